# The headline job: ACCKD on ImageNet-LT with a ResNet-18 student (cosine
# classifier, LA loss) and a CLIP ViT-B/16 AdaptFormer + LA teacher; SGD lr 0.2,
# batch 256, cosine, 200 epochs; a1 = 1, a2 = 2, tau = 2 (Appendix C).
#   python tools/train.py configs/teachers/clip-vitb16_adaptformer_la_imagenet-lt.py
#   python tools/train.py configs/acckd_r18_imagenet-lt.py
_base_ = ['./distill/imagenet_lt/acckd_resnet18_clip-af-la_imagenet-lt.py']
