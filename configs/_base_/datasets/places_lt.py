# Places-LT (Liu et al. 2019): 62.5K training images of 365 scene classes
# (4,980 down to 5), balanced 36.5K test split.
#   data/places365/...                        the Places-365 images
#   data/places365/Places_LT_{train,val,test}.txt   the split files
_base_ = ['./imagenet_lt.py']

dataset_type = 'PlacesLT'
data_root = 'data/places365'
split_files = dict(train_ann_file='Places_LT_train.txt')
data_preprocessor = dict(num_classes=365)

train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root,
                                     ann_file='Places_LT_train.txt'))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root,
                                   ann_file='Places_LT_val.txt', **split_files))
test_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root,
                                    ann_file='Places_LT_test.txt', **split_files))
