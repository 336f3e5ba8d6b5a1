from .adapter import Adapter
from .adaptformer import AdaptFormer
from .lora import LoRA
from .vision_tuner import Bottleneck, BottleneckTuner, VisionTuner, default_bottleneck
from .vpt import VPTDeep, VPTShallow

__all__ = [
    'AdaptFormer', 'Adapter', 'Bottleneck', 'BottleneckTuner', 'LoRA', 'VPTDeep',
    'VPTShallow', 'VisionTuner', 'default_bottleneck'
]
