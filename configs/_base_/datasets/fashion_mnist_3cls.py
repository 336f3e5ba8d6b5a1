# The paper's Figure 1 toy on Fashion-MNIST: three classes (T-shirt/top, trouser,
# pullover; the paper used MNIST digits 0, 1, 2) with 2,000, 100 and 5 training
# images, the balanced `val` split (20 per class) and the official test images of
# the three classes (1,000 each). `pool` (the teacher's) is disjoint from them all.
_base_ = ['./fashion_mnist_lt.py']

three = dict(counts=[2000, 100, 5] + [0] * 7, label_map=[0, 1, 2] + [None] * 7,
             classes=['T-shirt/top', 'Trouser', 'Pullover'])
data_preprocessor = dict(num_classes=3)
train_dataloader = dict(dataset=dict(**three))
val_dataloader = dict(dataset=dict(**three))
test_dataloader = dict(dataset=dict(**three))
