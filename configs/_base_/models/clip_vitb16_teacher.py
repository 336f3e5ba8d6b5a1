# CLIP ViT-B/16 image encoder (open_clip, OpenAI weights), frozen, tuned with
# AdaptFormer; cosine head (scale 25) on the 768-d class-token feature, trained
# with the logit-adjusted loss: the "AF+LA" teacher, LIFT's recipe (Shi et al.
# 2024). As in LIFT, the head starts from the class names' text features ("a photo
# of a {}.") mapped into the class-token space by the transpose of the image
# projection (init_from='text'; 'class_mean' is the option), built by
# PrepareModelHook before training. Swap the tuner with one key:
#   model = dict(backbone=dict(peft=dict(type='LoRA')))   # Adapter, VPTShallow, VPTDeep
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CLIPVisionBackbone', model_name='ViT-B-16', pretrained='openai',
                  out_type='cls_token', peft=dict(type='AdaptFormer')),
    head=dict(type='CosineClsHead', in_channels=768, scale=25.0, init_from='text',
              templates='single', loss=dict(type='LogitAdjustLoss')),
)
