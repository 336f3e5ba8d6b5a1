# The offline AF+LA teacher as a user who lives in MMPretrain builds it: MMPretrain's
# own VisionTransformer holding the offline tower (converted from its open_clip
# checkpoint by tools/model_converters/open_clip_to_mmpretrain_vit.py, the same
# network: its class token equals CLIPVisionBackbone's to 4e-7) under MMPretrain's
# LoRAModel (as ScopedLoRAModel, whose checkpoint hooks stay inside it; rank 8 on
# the fused q/k/v projection of every block), the same cosine head, LA loss and
# schedule. LoRAModel saves only its LoRA weights and the head;
# the frozen ViT comes from init_cfg, which the teacher check compares too.
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(
    backbone=dict(
        _delete_=True, type='ScopedLoRAModel', rank=8, alpha=8,
        targets=[dict(type='qkv')],
        module=dict(
            type='VisionTransformer',
            arch=dict(embed_dims=96, num_layers=4, num_heads=3,
                      feedforward_channels=384),
            img_size=28, patch_size=7, pre_norm=True, final_norm=True,
            out_type='cls_token', norm_cfg=dict(type='LN', eps=1e-5),
            init_cfg=dict(
                type='Pretrained',
                checkpoint='work_dirs/fmnist_vit/fmnist_vit_mmpretrain.pth'))))
