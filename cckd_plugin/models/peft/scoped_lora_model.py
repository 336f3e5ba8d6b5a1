"""MMPretrain's ``LoRAModel`` whose checkpoint hooks stay inside it.

mmpretrain 1.2's ``LoRAModel`` registers two hooks on itself that act on the
state dict of whatever model holds it: taking a state dict drops every weight
whose name lacks ``.lora_`` (inside a distiller: the whole student, the
priors), and loading one hides every such missing or unexpected key. This
subclass keeps both to the ``LoRAModel``'s own frozen weights; it trains and
saves the same LoRA weights."""
from mmpretrain.models.peft import LoRAModel
from mmpretrain.registry import MODELS


@MODELS.register_module()
class ScopedLoRAModel(LoRAModel):
    """``LoRAModel`` (same arguments) whose state dict leaves out its own
    frozen weights only, and whose loading excuses only those."""

    def _register_state_dict_hooks(self) -> None:

        def drop_frozen(module, state_dict, prefix, local_metadata):
            for key in [k for k in state_dict if k.startswith(prefix)]:
                if '.lora_' not in key[len(prefix):]:  # its frozen, not LoRA, weights
                    state_dict.pop(key)

        def ignore_frozen(module, incompatible_keys):
            own = {n for n, _ in module.named_parameters() if '.lora_' not in n}
            own |= {n for n, _ in module.named_buffers() if '.lora_' not in n}

            def frozen(key: str) -> bool:
                return any(key == n or key.endswith('.' + n) for n in own)

            for keys in (incompatible_keys.missing_keys,
                         incompatible_keys.unexpected_keys):
                keys[:] = [k for k in keys if not frozen(k)]

        self._register_state_dict_hook(drop_frozen)
        self.register_load_state_dict_post_hook(ignore_frozen)
