# Zero-shot teacher on CIFAR-10-LT's CPU profile: the frozen ImageNet
# EfficientNet-Lite0 with its own 1000-way ImageNet classifier, each CIFAR-10 class
# reading the ImageNet classes mapped to it below (ClassMapClsHead: the log of their
# summed probability), the counterpart of CLIP's class-name prompts. It sees no
# training image. ImageNet-1k has no deer: the deer class reads its antelopes.
#   python tools/test.py \
#       configs/teachers/cifar10_lt/effnet-lite0_zero-shot_cifar10-lt-n500.py
_base_ = ['./effnet-lite0_head-only_la_cifar10-lt-n500.py']

cifar10_to_imagenet = {
    'airplane': ['airliner', 'warplane', 'wing'],
    'automobile': ['sports car', 'convertible', 'cab', 'beach wagon', 'limousine',
                   'racer', 'minivan', 'jeep', 'Model T', 'grille'],
    # the 59 bird classes of ImageNet-1k
    'bird': [*range(7, 25), *range(80, 101), *range(127, 147)],
    'cat': ['tabby', 'tiger cat', 'Persian cat', 'Siamese cat', 'Egyptian cat'],
    'deer': ['hartebeest', 'impala', 'gazelle'],
    'dog': [*range(151, 269)],  # the 118 dog breeds of ImageNet-1k
    'frog': ['bullfrog', 'tree frog', 'tailed frog'],
    'horse': ['sorrel'],
    'ship': ['container ship', 'liner', 'fireboat', 'lifeboat', 'speedboat',
             'schooner', 'yawl', 'catamaran', 'trimaran', 'aircraft carrier', 'wreck',
             'pirate', 'submarine'],
    'truck': ['pickup', 'trailer truck', 'fire engine', 'garbage truck', 'tow truck',
              'moving van', 'police van'],
}
model = dict(head=dict(_delete_=True, type='ClassMapClsHead', num_classes=10,
                       in_channels=1280, class_map=cifar10_to_imagenet))
