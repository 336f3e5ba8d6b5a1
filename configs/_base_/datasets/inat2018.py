# iNaturalist 2018: 437.5K training images of 8,142 species (naturally
# long-tailed), balanced 24.4K validation split used as the test set. The pipelines
# and loaders are ImageNet-LT's; the data and the class count are its own.
#   data/inat2018/train_val2018/...          the images
#   data/inat2018/iNaturalist18_{train,val}.txt   the split files
_base_ = ['./imagenet_lt.py']

dataset_type = 'INaturalist2018'
data_root = 'data/inat2018'
split_files = dict(train_ann_file='iNaturalist18_train.txt')
data_preprocessor = dict(num_classes=8142)

train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root,
                                     ann_file='iNaturalist18_train.txt'))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root,
                                   ann_file='iNaturalist18_val.txt', **split_files))
test_dataloader = val_dataloader
