# The CE baseline on repeat-factor resampled data (Gupta et al. 2019), CIFAR-100-LT:
# mmengine's ClassBalancedDataset repeats every image of class j
# ceil(max(1, sqrt(t / f_j))) times per epoch (f_j: the class's share of the images) at
# LVIS's published t = 0.001; choose t on `val` for a new data set (the
# Fashion-MNIST-LT menu does).
_base_ = ['./ce_resnet32_cifar100-lt.py']

train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedDataset', oversample_thr=0.001,
                 dataset={{_base_.train_dataloader.dataset}}))
