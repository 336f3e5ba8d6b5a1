# A small ViT in open_clip's own architecture (CLIP's image and text towers, JSON
# layout of open_clip's model configs): the offline stand-in for CLIP ViT-B/16 on
# Fashion-MNIST. 28-px images in 7-px patches (16 patch tokens and the class
# token), width 96, 4 blocks of 3 heads: 0.47 M image-tower parameters, about
# 0.1 s per training step of 128 images on one CPU core. Its statistics are
# Fashion-MNIST's, repeated over the three channels a CLIP tower takes.
fmnist_vit = dict(
    embed_dim=64,
    vision_cfg=dict(image_size=28, patch_size=7, width=96, layers=4, head_width=32),
    text_cfg=dict(context_length=16, vocab_size=49408, width=32, heads=2, layers=1),
    preprocess_cfg=dict(mean=[0.28604] * 3, std=[0.35294] * 3),  # 72.94, 90.0 of 255
)
