from .adapter import Adapter
from .adaptformer import AdaptFormer
from .lora import LoRA
from .partial_tuning import BiasTuning, BlockTuning
from .peft_tuner import PeftTuner, peft_methods
from .scoped_lora_model import ScopedLoRAModel
from .vision_tuner import Bottleneck, BottleneckTuner, VisionTuner, default_bottleneck
from .vpt import VPTDeep, VPTShallow

__all__ = [
    'AdaptFormer', 'Adapter', 'BiasTuning', 'BlockTuning', 'Bottleneck',
    'BottleneckTuner', 'LoRA', 'PeftTuner', 'ScopedLoRAModel', 'VPTDeep',
    'VPTShallow', 'VisionTuner', 'default_bottleneck', 'peft_methods'
]
