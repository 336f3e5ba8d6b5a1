# CIFAR-LT, as the paper's Appendix C after Cao et al. 2019 (LDAM-DRW, cifar_train.py):
# "We set the batch size to 128 and train for 200 epochs, using SGD as the optimizer.
# The initial learning rate of the optimizer is set to 0.1, with a momentum of 0.9 and
# a weight decay of 5e-4. During the 200 epochs of training, the learning rate of SGD
# decays by 0.01 at the 160th and 180th epochs." That is LDAM-DRW's
# adjust_learning_rate: lr x (e + 1) / 5 in epochs e = 0..4 (its linear warm-up),
# x0.01 from epoch 160 and x0.0001 from epoch 180 (LDAM-DRW itself uses weight decay
# 2e-4; the paper's 5e-4 is kept).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=False))
param_scheduler = [
    # per epoch: 0.2, 0.4, 0.6, 0.8, 1.0 of the base rate in epochs 0..4
    dict(
        type='LinearLR',
        start_factor=0.2,
        end_factor=1.0,
        by_epoch=True,
        begin=0,
        end=5),
    dict(type='MultiStepLR', by_epoch=True, milestones=[160, 180], gamma=0.01),
]
train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
