# The CE baseline on repeat-factor resampled data (Gupta et al. 2019): mmengine's
# ClassBalancedDataset repeats every image of class j max(1, sqrt(t / f_j)) times
# per epoch, f_j being the class's share of the training images. t = 0.1 was
# chosen on `val` (projects/fmnist_lt/README.md, the long-tail menu).
_base_ = ['./ce_resnet8_fashion-mnist-lt.py']

train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedDataset', oversample_thr=0.1,
                 dataset={{_base_.train_dataloader.dataset}}))
