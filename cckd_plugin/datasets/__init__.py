from .batched_pipeline import BatchedPipeline, InMemoryBatchMixin
from .cifar_lt import CIFAR10LT, CIFAR100LT
from .class_balanced_pair_dataset import ClassBalancedPairDataset
from .class_counts import class_counts_with_source, dataset_labels, get_class_counts
from .class_power_sampler import ClassPowerSampler
from .fashion_mnist_lt import FashionMNISTLT
from .list_file_dataset import ImageNetLT, INaturalist2018, ListFileDataset, PlacesLT
from .long_tail_dataset import LongTailDataset
from .long_tail_profile import long_tail_counts, select_long_tail

__all__ = [
    'BatchedPipeline', 'CIFAR10LT', 'CIFAR100LT', 'ClassBalancedPairDataset',
    'ClassPowerSampler',
    'FashionMNISTLT', 'ImageNetLT', 'INaturalist2018', 'InMemoryBatchMixin', 'PlacesLT',
    'ListFileDataset', 'LongTailDataset', 'class_counts_with_source', 'dataset_labels',
    'get_class_counts', 'long_tail_counts', 'select_long_tail'
]
