"""Every bad input named by the issues so far, through the runner that
tools/train.py builds: each gives its one-line error before the first training
iteration, and the earlier run's files in the work directory stay as they were."""
import hashlib
import os
import os.path as osp
import shutil
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from helpers import (EXPORT, SMALL_TEACHER, TINY_VIT, run_tool, small_acckd_config,
                     write_cifar)
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.logging import MMLogger
from mmpretrain.registry import HOOKS, MODELS

from cckd_plugin.engine import build_runner, merge_options, prepare_cfg

# runs the tools on a sweep of mistakes: `make test-fast` leaves it out
pytestmark = pytest.mark.e2e


@HOOKS.register_module(force=True)
class NoIterationHook(Hook):
    """Fails the test if any training iteration starts."""
    priority = 'HIGHEST'

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        raise AssertionError(
            'a training iteration started before the bad input was found')


CLIP_TEACHER = dict(
    type='ImageClassifier',
    backbone=dict(type='CLIPVisionBackbone', model_name='tiny-vit', model_cfg=TINY_VIT),
    head=dict(type='CosineClsHead', num_classes=10, in_channels=64, scale=25.0))


def clip_teacher(**backbone):
    teacher = dict(CLIP_TEACHER, backbone=dict(CLIP_TEACHER['backbone'], **backbone))
    return {'model.teacher': dict(teacher, _delete_=True), 'model.teacher_ckpt': None}


STUDENT = dict(type='ImageClassifier',
               backbone=dict(type='CifarResNet', depth=8, in_channels=1),
               neck=dict(type='GlobalAveragePooling'),
               head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
                         loss=dict(type='LogitAdjustLoss')))


def zero_shot_teacher(**class_names):
    """A zero-shot teacher on the tiny CLIP tower, its class names given by
    ``class_names`` (``class_names=[...]`` or ``class_names_file=...``)."""
    teacher = dict(
        type='ImageClassifier',
        backbone=dict(CLIP_TEACHER['backbone'], out_type='projected'),
        head=dict(type='ZeroShotClsHead', num_classes=10, in_channels=32,
                  clip=dict(model_name='tiny-vit', model_cfg=TINY_VIT), **class_names))
    return {'model.teacher': dict(teacher, _delete_=True), 'model.teacher_ckpt': None}


def training_set(pipeline=(dict(type='PackInputs'), ), **dataset):
    """The pair dataset's inner training set replaced by ``dataset``."""
    return {'train_dataloader.dataset.dataset': dict(
        _delete_=True, pipeline=list(pipeline), **dataset)}


def student_loss(loss):
    return {'model.student.head.loss': dict(loss, _delete_=True)}


def write(path, data: bytes) -> str:
    with open(path, 'wb') as f:
        f.write(data)
    return str(path)


def files(tmp_path, fmnist_root, small_teacher_ckpt, earlier_work_dir):
    """Bad files each case may point at."""
    MMLogger.get_instance('sweep_files')  # log to no earlier run's file from here on
    d = tmp_path / 'bad'
    d.mkdir(exist_ok=True)
    torch.manual_seed(0)
    wide = MODELS.build(
        dict(SMALL_TEACHER, backbone=dict(SMALL_TEACHER['backbone'], base_channels=8)))
    torch.save({'state_dict': wide.state_dict()}, d / 'other_arch.pth')
    ckpt = torch.load(small_teacher_ckpt, weights_only=False)
    ckpt['meta'] = dict(planted=os.getcwd)
    torch.save(ckpt, d / 'planted.pth')
    truncated = d / 'fmnist_truncated'
    shutil.copytree(fmnist_root, truncated)
    for name in os.listdir(truncated):
        if name.startswith('train-images'):
            path = truncated / name
            path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 3])
    write(d / 'not_a_list.txt', b'img/0.png\n')
    write(d / 'classes_3.txt', b'a\nb\nc\n')
    # a tiny CLIP teacher trained with AdaptFormer: its checkpoint carries its config
    adaptformer = dict(
        CLIP_TEACHER,
        backbone=dict(
            CLIP_TEACHER['backbone'], peft=dict(type='AdaptFormer', bottleneck=2)))
    trained = MODELS.build(adaptformer)
    torch.save({'state_dict': trained.state_dict(),
                'meta': dict(cfg=Config(dict(model=adaptformer)).pretty_text)},
               d / 'adaptformer_teacher.pth')
    # the earlier run's checkpoint with one weight missing, extra or reshaped
    earlier = torch.load(osp.join(earlier_work_dir, 'epoch_1.pth'), weights_only=False)
    state = earlier['state_dict']
    first = next(k for k in state if k.startswith('student.backbone.'))
    teacher_key = next(k for k in state if k.startswith('teacher.'))
    for name, edit in (('missing', lambda d: d.pop(first)),
                       ('no_teacher_weight', lambda d: d.pop(teacher_key)),
                       ('extra', lambda d: d.update({'student.extra': torch.zeros(1)})),
                       ('reshaped', lambda d: d.update({first: d[first][:1]}))):
        edited = dict(earlier, state_dict=dict(state))
        edit(edited['state_dict'])
        torch.save(edited, d / f'earlier_{name}.pth')
    raw = open(osp.join(earlier_work_dir, 'epoch_1.pth'), 'rb').read()
    write(d / 'earlier_truncated.pth', raw[:len(raw) // 2])
    teacher = torch.load(small_teacher_ckpt, weights_only=False)
    for name, edit in (('no_head', lambda d: d.pop('head.fc.bias')),
                       ('extra', lambda d: d.update({'head.extra': torch.zeros(1)}))):
        edited = dict(teacher, state_dict=dict(teacher['state_dict']))
        edit(edited['state_dict'])
        torch.save(edited, d / f'teacher_{name}.pth')
    raw = open(small_teacher_ckpt, 'rb').read()
    write(d / 'teacher_truncated.pth', raw[:len(raw) // 2])
    # teachers that do not classify the data: one that always says class 3 (at
    # chance on the balanced val split), and the random one with a recorded 95 %
    one_class = dict(teacher, state_dict=dict(teacher['state_dict']))
    bias = torch.zeros_like(one_class['state_dict']['head.fc.bias'])
    bias[3] = 1e4
    one_class['state_dict']['head.fc.bias'] = bias
    torch.save(one_class, d / 'teacher_one_class.pth')
    recorded = Config(dict(model=SMALL_TEACHER, default_hooks=dict(
        checkpoint=dict(type='CheckpointHook', save_best='shot/all'))))
    torch.save(dict(teacher, meta=dict(cfg=recorded.pretty_text),
                    message_hub=dict(runtime_info=dict(best_score=95.0))),
               d / 'teacher_recorded_95.pth')
    # a list-file training set, one image per class, one of them an empty file
    for label in range(10):
        image = d / 'images' / f'{label}.png'
        image.parent.mkdir(exist_ok=True)
        if label == 4:
            write(image, b'')
        else:
            cv2.imwrite(str(image), np.full((28, 28), 25 * label, np.uint8))
    write(d / 'one_per_class.txt',
          ''.join(f'images/{c}.png {c}\n' for c in range(10)).encode())
    # configs a user points model.student / model.teacher at
    write(d / 'no_model.py', b'data_root = "x"\n')
    student_5 = dict(STUDENT, head=dict(STUDENT['head'], num_classes=5))
    teacher_100 = dict(SMALL_TEACHER, head=dict(SMALL_TEACHER['head'], num_classes=100))
    write(d / 'student_5_classes.py', f'model = {student_5!r}\n'.encode())
    write(d / 'teacher_100_classes.py', f'model = {teacher_100!r}\n'.encode())
    write_cifar(str(d / 'cifar10'), 10, 60, 5)  # not the official files (md5)
    return d


def cases(d, fmnist_root):
    data = 'train_dataloader.dataset.dataset'
    missing_root = str(d / 'no_such_folder')
    return {
        # distiller configuration
        'distill-method': ({
            'model.distill.method': 'distil'
        }, 'distill.method must be one of'),
        'distill-terms': ({
            'model.distill.terms': dict(kd=True)
        }, 'distill.terms: unknown'),
        'teacher-config-missing': ({
            'model.teacher': 'configs/teachers/none.py'
        }, 'model.teacher config not found'),
        'teacher-classes': ({
            'model.teacher.head.num_classes': 5
        }, 'teacher has 5 classes but the student 10'),
        'priors-teacher': ({
            'model.priors.teacher': 'test'
        }, "priors.teacher must be"),
        'priors-train': ({
            'model.priors.train': 'uniform'
        }, "priors.train must be"),
        'priors-test-shape': ({
            'model.priors.test': [0.5, 0.5]
        }, 'priors.test must have shape (10,)'),
        'priors-test-sum': ({
            'model.priors.test': [0.2] * 10
        }, 'priors.test must sum to 1'),
        'priors-test-negative': ({
            'model.priors.test': [-0.1, 0.2] + [0.1125] * 8
        }, 'priors.test has negative entries'),
        'mix-alpha': ({
            'model.mix': dict(type='ClassBalancedMix', alpha=0.0)
        }, 'ClassBalancedMix: need alpha > 0'),
        'mix-without-pairs': ({
            'train_dataloader.dataset':
            dict(
                _delete_=True,
                type='FashionMNISTLT',
                data_root=fmnist_root,
                split='train',
                n_max=60,
                imbalance_ratio=10,
                download=False,
                pipeline=[dict(type='PackInputs')])
        }, 'set train_dataloader.dataset to a ClassBalancedPairDataset'),
        'kd-tau': ({
            'model.distill.method': 'kd',
            'model.distill.tau': 0.0
        }, 'model.distill.tau must be positive, got 0.0'),
        # checkpoints
        'teacher-ckpt-missing': ({
            'model.teacher_ckpt': str(d / 'none.pth')
        }, 'teacher_ckpt not found'),
        'teacher-ckpt-other-arch': ({
            'model.teacher_ckpt': str(d / 'other_arch.pth')
        }, 'does not fit model.teacher: backbone.stem.0.weight'),
        'teacher-ckpt-planted': ({
            'model.teacher_ckpt': str(d / 'planted.pth')
        }, "refusing to load checkpoint"),
        'load-from-planted': ({
            'load_from': str(d / 'planted.pth')
        }, 'refusing to load checkpoint'),
        'resume-planted': ({
            'load_from': str(d / 'planted.pth'),
            'resume': True
        }, 'refusing to load checkpoint'),
        # data
        'data-split': ({
            f'{data}.split': 'training'
        }, 'FashionMNISTLT: split must be one of'),
        'data-ratio': ({  # on every split: one split alone is refused earlier
            f'{data}.imbalance_ratio': 0.5,
            'val_dataloader.dataset.imbalance_ratio': 0.5
        }, 'imbalance_ratio must be >= 1'),
        'data-missing': (training_set(type='CIFAR100LT', data_root=missing_root,
                                      split='train', download=False),
                         'no_such_folder'),
        'data-truncated': ({
            f'{data}.data_root': str(d / 'fmnist_truncated'),
            'val_dataloader.dataset.data_root': str(d / 'fmnist_truncated')
        }, 'is truncated'),
        'data-list-file-missing': (training_set(type='ImageNetLT', data_root=str(d),
                                                ann_file=str(d / 'none.txt')),
                                   'split file not found'),
        'data-list-file-malformed': (training_set(type='ImageNetLT', data_root=str(d),
                                                  ann_file=str(d / 'not_a_list.txt')),
                                     'expected "relative/path label"'),
        'class-counts-vs-head': ({
            'model.student.head.num_classes': 5,
            'model.teacher.head.num_classes': 5,
            'model.teacher_ckpt': None
        }, 'the training set has 10 classes'),
        'metric-thresholds': ({
            'val_evaluator.few_thr': 200
        }, 'ShotGroupAccuracy: few_thr=200'),
        # models, losses, class names, PEFT
        'student-depth': ({
            'model.student.backbone.depth': 10
        }, 'depth must be 6n+2'),
        'student-loss-gamma':
        (student_loss(dict(type='CDTLoss', gamma=-1.0)), 'CDTLoss: gamma must be >= 0'),
        'clip-model-name':
        (clip_teacher(model_name='ViT-X-99',
                      model_cfg=None), "unknown open_clip model_name 'ViT-X-99'"),
        'peft-bottleneck': (clip_teacher(peft=dict(type='AdaptFormer', bottleneck=0)),
                            'bottleneck must be >= 1'),
        'peft-vpt-tokens': (clip_teacher(peft=dict(type='VPTShallow', num_tokens=0)),
                            'num_tokens must be >= 1'),
        'peft-lora-targets':
        (clip_teacher(peft=dict(type='LoRA', bottleneck=2, targets=['qkvz'])),
         "LoRA: targets must be a non-empty subset of ('q', 'k'"),
        'zero-shot-class-names':
        (zero_shot_teacher(class_names_file=str(d / 'classes_3.txt')),
         'lists 3 names, expected 10'),
        # mistakes found since: misspelled types list the valid ones
        'peft-type':
        (clip_teacher(peft=dict(type='AdaptFromer')),
         "backbone.peft.type 'AdaptFromer' is not a PEFT tuner; did you mean "
         "'AdaptFormer'? valid types: AdaptFormer, Adapter, BiasTuning, BlockTuning, "
         "LoRA, PeftTuner, VPTDeep, VPTShallow"),
        'dataset-type': ({
            f'{data}.type': 'FashionMNISTLt'
        }, "train_dataloader.dataset.dataset.type 'FashionMNISTLt' is not a "
                         "dataset; did you mean 'FashionMNISTLT'?"),
        'mix-type': ({
            'model.mix': dict(_delete_=True, type='Mixup', alpha=0.5)
        }, "model.mix.type 'Mixup' is not a class-balanced mix"),
        'mix-sampling': ({
            'train_dataloader.dataset.mix_sampling': 'balanced'
        }, "mix_sampling must be one of ['random+balanced'"),
        # the distiller's own keys
        'distill-key': ({
            'model.distill.temperature': 2.0
        }, "model.distill: unknown keys ['temperature']; valid keys:"),
        'distill-align': ({
            'model.distill.align': 'neck'
        }, "model.distill.align must be one of ['encoder', 'branch']"),
        'distill-terms-cckd': ({
            'model.distill':
            dict(_delete_=True, method='cckd', terms=dict(fi=False))
        }, "model.distill.terms switches ACCKD's terms; method is 'cckd'"),
        'teacher-view-key': ({
            'model.teacher_view': dict(resize=32)
        }, "model.teacher_view: unknown keys ['resize']"),
        'teacher-precision': ({
            'model.teacher_precision': 'half'
        }, "model.teacher_precision must be one of ['auto'"),
        # students and teachers given as files, and what they must agree on
        'student-config-missing': ({
            'model.student': str(d / 'no_such_student.py')
        }, 'model.student config not found'),
        'teacher-config-no-model': ({
            'model.teacher': str(d / 'no_model.py')
        }, 'no_model.py defines no model'),
        'student-file-classes': ({
            'model.student': str(d / 'student_5_classes.py')
        }, 'student_5_classes.py) head.num_classes=5'),
        'teacher-file-classes': ({
            'model.teacher': str(d / 'teacher_100_classes.py'),
            'model.teacher_ckpt': None
        }, 'teacher_100_classes.py) head.num_classes=100'),
        'student-channels': ({
            'model.student.backbone':
            dict(_delete_=True, type='ResNet_CIFAR', depth=18),
            'model.student.head.in_channels':
            512
        }, 'model.student.backbone takes 3-channel images but '
                             'data_preprocessor.mean has 1 value(s)'),
        'student-loss-counts':
        (student_loss(dict(type='LogitAdjustLoss', class_counts=[5, 4, 3])),
         'model.student.head.loss.class_counts has 3 entries but '
         'model.student.head.num_classes is 10'),
        # teacher checkpoints that are not the configured teacher
        'teacher-ckpt-other-peft': (
            dict(
                clip_teacher(peft=dict(type='Adapter', bottleneck=2)),
                **{'model.teacher_ckpt': str(d / 'adaptformer_teacher.pth')
                   }), "was trained with backbone.peft={'bottleneck': 2, "
            "'type': 'AdaptFormer'}, but model.teacher builds "
            "backbone.peft={'bottleneck': 2, 'type': 'Adapter'}"),
        'teacher-ckpt-distiller': ({
            'model.teacher_ckpt': 'EARLIER_EPOCH_1'
        }, 'is not a checkpoint of a classifier'),
        # heads built from class names
        'zero-shot-placeholder-names':
        (zero_shot_teacher(class_names=[str(i) for i in range(10)]),
         "ZeroShotClsHead: the class names are placeholders ('0', '1', ...)"),
        'cosine-init-from': ({
            'model.teacher':
            dict(
                CLIP_TEACHER,
                _delete_=True,
                head=dict(CLIP_TEACHER['head'], init_from='texts')),
            'model.teacher_ckpt':
            None
        }, "CosineClsHead: init_from must be one of (None, 'text', 'class_mean')"),
        # checkpoints that do not fit the model or the run (strict loading)
        'load-from-missing-weight': ({
            'load_from': str(d / 'earlier_missing.pth')
        }, 'does not fit the model of'),
        'load-from-extra-weight': ({
            'load_from': str(d / 'earlier_extra.pth')
        }, '1 unexpected (student.extra)'),
        'load-from-reshaped-weight': ({
            'load_from': str(d / 'earlier_reshaped.pth')
        }, '1 mis-shaped (student.backbone.'),
        'load-from-classifier': ({
            'load_from': str(d / 'adaptformer_teacher.pth')
        }, "it was trained with model.type='ImageClassifier' (this config: "
           "'ClassConditionalDistiller')"),
        'load-from-no-config': ({
            'load_from': str(d / 'other_arch.pth')
        }, 'the checkpoint carries no config to compare'),
        'load-from-missing-file': ({
            'load_from': str(d / 'none.pth')
        }, 'none.pth'),
        'load-from-truncated': ({
            'load_from': str(d / 'earlier_truncated.pth')
        }, 'earlier_truncated.pth'),
        'load-from-other-align': ({
            'load_from': 'EARLIER_EPOCH_1',
            'model.distill.always_align': True
        }, 'model.distill.always_align=False (this config: True)'),
        'resume-changed-lr': ({
            'load_from': 'EARLIER_EPOCH_1',
            'resume': True,
            'optim_wrapper.optimizer.lr': 0.5
        }, 'optim_wrapper.optimizer.lr: 0.05 -> 0.5'),
        'resume-changed-method': ({
            'load_from': 'EARLIER_EPOCH_1',
            'resume': True,
            'model.distill.method': 'cckd'
        }, "model.distill.method: 'acckd' -> 'cckd'"),
        'resume-changed-seed': ({
            'load_from': 'EARLIER_EPOCH_1',
            'resume': True,
            'randomness.seed': 5
        }, 'randomness.seed: 0 -> 5'),
        'resume-changed-data': ({
            'load_from': 'EARLIER_EPOCH_1',
            'resume': True,
            f'{data}.imbalance_ratio': 20,
            'val_dataloader.dataset.imbalance_ratio': 20
        }, f'{data}.imbalance_ratio: 10 -> 20'),
        'resume-changed-batch': ({
            'load_from': 'EARLIER_EPOCH_1',
            'resume': True,
            'train_dataloader.batch_size': 8
        }, 'train_dataloader.batch_size: 16 -> 8'),
        'resume-changed-student-loss': ({
            'load_from': 'EARLIER_EPOCH_1',
            'resume': True,
            'model.student.head.loss': dict(type='CDTLoss')
        }, "model.student.head.loss.type: None -> 'CDTLoss'"),
        'resume-changed-tau': ({
            'load_from': 'EARLIER_EPOCH_1',
            'resume': True,
            'model.distill.tau': 4.0
        }, 'model.distill.tau: None -> 4.0'),
        'resume-changed-align': ({
            'load_from': 'EARLIER_EPOCH_1',
            'resume': True,
            'model.distill.align': 'branch'
        }, "model.distill.align: None -> 'branch'"),
        'resume-changed-mix': ({
            'load_from': 'EARLIER_EPOCH_1',
            'resume': True,
            'model.mix': dict(type='ClassBalancedMix', alpha=1.0)
        }, 'model.mix.alpha: None -> 1.0'),
        'load-from-teacher-weight-missing': ({
            'load_from': str(d / 'earlier_no_teacher_weight.pth')
        }, '1 missing (teacher.'),
        'resume-load-from-skip': ({
            'load_from': 'EARLIER_EPOCH_1',
            'resume': True,
            'load_from_skip': ['student.head.']
        }, 're-initialises weights of a new run; remove it to resume'),
        'teacher-ckpt-no-head': ({
            'model.teacher_ckpt': str(d / 'teacher_no_head.pth')
        }, '1 weights missing (e.g. head.fc.bias)'),
        'teacher-ckpt-extra-weight': ({
            'model.teacher_ckpt': str(d / 'teacher_extra.pth')
        }, '1 unexpected (e.g. head.extra)'),
        'teacher-ckpt-truncated': ({
            'model.teacher_ckpt': str(d / 'teacher_truncated.pth')
        }, 'teacher_truncated.pth'),
        # the student's own settings inside the distiller
        'student-batch-augments': ({
            'model.student.train_cfg': dict(augments=dict(type='Mixup', alpha=0.8))
        }, 'train_cfg.augments is not applied inside the distiller'),
        'student-preprocessor-augments': ({
            'model.student.data_preprocessor.batch_augments':
            dict(augments=dict(type='CutMix', alpha=1.0))
        }, 'data_preprocessor.batch_augments is not applied inside the distiller'),
        'student-normalisation-differs': ({
            'model.student.data_preprocessor': dict(mean=[5.0], std=[1.0])
        }, "data_preprocessor.mean=[5.0] but the distiller's data_preprocessor.mean="),
        'student-rgb-backbone': ({
            'model.student.backbone':
            dict(_delete_=True, type='MobileNetV2', widen_factor=0.25),
            'model.student.head.in_channels': 1280
        }, 'backbone takes 3-channel images but data_preprocessor.mean has 1 value(s)'),
        'student-seesaw-classes': (student_loss(dict(type='SeesawLoss')),
                                   'head.loss.num_classes is 1000 but'),
        'student-seesaw-5-classes':
        (student_loss(dict(type='SeesawLoss', num_classes=5)),
         'head.loss.num_classes is 5 but'),
        # splits of one data set share its profile (val is carved from what train
        # leaves out): a ratio or seed changed on one split alone is refused
        'profile-on-the-training-split-only': ({
            'train_dataloader.dataset.dataset.imbalance_ratio': 20
        }, 'val_dataloader.dataset.imbalance_ratio is 10 but '
           'train_dataloader.dataset.dataset.imbalance_ratio is 20: the val split is '
           'carved from the images the training profile leaves out'),
        'profile-seed-on-the-val-split-only': ({
            'val_dataloader.dataset.seed': 1
        }, 'val_dataloader.dataset.seed is 1 but '
           'train_dataloader.dataset.dataset.seed is 0'),
        # LDAM's margins assume cosine logits of its scale
        'student-ldam-on-a-linear-head': (
            student_loss(dict(type='LDAMLoss', s=30.0)),
            'model.student.head.loss is LDAMLoss, whose margins are taken off cosine '
            "logits of scale s=30.0, but model.student.head is a LinearClsHead"),
        'student-ldam-scale': ({
            'model.student.head': dict(
                _delete_=True, type='CosineClsHead', num_classes=10, in_channels=64,
                scale=16.0, loss=dict(type='LDAMLoss', s=30.0))
        }, 'model.student.head.loss.s is 30.0 but model.student.head.scale is 16'),
        # a deferred re-weighting past the end of the run would never start
        'student-drw-after-the-last-epoch': ({
            'model.student.head': dict(
                _delete_=True, type='CosineClsHead', num_classes=10, in_channels=64,
                scale=30.0, loss=dict(type='LDAMLoss', s=30.0,
                                      reweight='effective_number',
                                      reweight_from_epoch=160))
        }, 'model.student.head.loss.reweight_from_epoch is 160 (0-based) but '
            'train_cfg.max_epochs is 1: the re-weighting would never start'),
        'pairs-inside-a-wrapper': ({
            'train_dataloader.dataset':
            dict(_delete_=True, type='ClassBalancedDataset', oversample_thr=0.5,
                 dataset=dict(type='ClassBalancedPairDataset', dataset=dict(
                     type='FashionMNISTLT', data_root=fmnist_root, split='train',
                     n_max=60, imbalance_ratio=10, download=False,
                     pipeline=[dict(type='PackInputs')])))
        }, 'ClassBalancedPairDataset must be train_dataloader.dataset itself: put '
           'ClassBalancedDataset inside it'),
        'peft-unknown-key':
        (clip_teacher(peft=dict(type='AdaptFormer', botleneck=2)),
         "backbone.peft: AdaptFormer takes no ['botleneck'] (no tuner does)"),
        # CIFAR-10-LT and the pre-trained CNN teachers
        'data-cifar-not-official': (training_set(
            type='CIFAR10LT', data_root=str(d / 'cifar10'), n_max=50,
            imbalance_ratio=10), "set the dataset's verify_md5=False"),
        'data-cifar-profile-reaches-val': (training_set(
            type='CIFAR10LT', data_root=str(d / 'cifar10'), n_max=60,
            imbalance_ratio=10, val_per_class=10, verify_md5=False),
            'fewer than val_per_class=10 for the val split'),
        'cnn-teacher-vit-tuner': ({
            'model.teacher': dict(_delete_=True, type='ImageClassifier', backbone=dict(
                type='TimmCNNBackbone', model_name='tf_efficientnet_lite0',
                peft=dict(type='AdaptFormer')), head=dict(
                    type='LinearClsHead', num_classes=10, in_channels=1280)),
            'model.teacher_ckpt': None,
        }, 'AdaptFormer needs a vision transformer, but the backbone is EfficientNet'),
        'class-map-unknown-name': ({
            'model.teacher': dict(_delete_=True, type='ImageClassifier', backbone=dict(
                type='TimmCNNBackbone', model_name='tf_efficientnet_lite0'), head=dict(
                    type='ClassMapClsHead', num_classes=10, in_channels=1280,
                    class_map={str(c): ['tabby'] if c else ['kitten']
                               for c in range(10)})),
            'model.teacher_ckpt': None,
        }, "source class 'kitten' is unknown; give its index"),
        # a teacher that does not classify this data stops the run before training
        'teacher-at-chance': ({
            'model.teacher_ckpt': str(d / 'teacher_one_class.pth'),
            'model.weak_teacher': 'stop'
        }, 'model.teacher scores 10.00% on the validation split, at or below chance '
           "(10.00%, always guessing the largest class): is its class order the "
           "data's? (set model.weak_teacher='warn' to distil from it anyway)"),
        'teacher-at-chance-kd': ({
            'model.teacher_ckpt': str(d / 'teacher_one_class.pth'),
            'model.distill': dict(_delete_=True, method='kd'),
            'model.weak_teacher': 'stop'
        }, 'model.teacher scores 10.00% on the validation split, at or below chance'),
        'teacher-far-below-its-record': ({
            'model.teacher_ckpt': str(d / 'teacher_recorded_95.pth'),
            'model.weak_teacher': 'stop'
        }, 'under half of the 95.00% its checkpoint recorded on its own validation '
           'split'),
        'teacher-weak-policy': ({
            'model.weak_teacher': 'ignore'
        }, "model.weak_teacher must be one of ['stop', 'warn'], got 'ignore'"),
        # keys no class takes: named, with the closest valid one
        'baseline-head-on-a-distiller': ({
            'model.head': dict(loss=dict(type='LogitAdjustLoss'))
        }, 'model.head is not a setting of ClassConditionalDistiller: did you mean '
           'model.student.head? (it takes student, teacher, distill,'),
        'distiller-key-misspelt': ({
            'model.distil': dict(method='kd')
        }, 'model.distil is not a setting of ClassConditionalDistiller: did you mean '
           'model.distill?'),
        'teacher-ckpt-key-misspelt': ({
            'model.teacher_ckpts': None
        }, 'model.teacher_ckpts is not a setting of ClassConditionalDistiller: did '
           'you mean model.teacher_ckpt?'),
        'student-key-misspelt': ({
            'model.student.nek': dict(type='GlobalAveragePooling')
        }, 'model.student.nek is not a setting of ImageClassifier: did you mean '
           'model.student.neck?'),
        'train-cfg-key-misspelt': ({
            'train_cfg.max_epoch': 2
        }, 'train_cfg.max_epoch is not a setting of EpochBasedTrainLoop: did you mean '
           'train_cfg.max_epochs?'),
        'metric-key-left-by-the-base': ({
            'val_evaluator.type': 'Accuracy'  # ShotGroupAccuracy's ece_bins stays
        }, 'val_evaluator.ece_bins is not a setting of Accuracy (it takes topk, thrs, '
           'collect_device, prefix)'),
        # what save_best reads must be what the validation reports
        'save-best-with-stock-accuracy': ({
            'val_evaluator': dict(_delete_=True, type='Accuracy', topk=(1, ))
        }, "default_hooks.checkpoint.save_best='shot/all' but val_evaluator "
           "(Accuracy) reports ['accuracy/top1']"),
        # 240 training images in batches of 239: the last batch holds one image
        'last-batch-of-one-under-batchnorm': ({
            'model.student.neck': dict(_delete_=True, type='LinearNeck', in_channels=64,
                                       out_channels=64, norm_cfg=dict(type='BN1d')),
            'train_dataloader.batch_size': 239
        }, 'train_dataloader: 240 samples per epoch (per process) in batches of 239 '
           'leave a last batch of 1, on which the BatchNorm model.student.neck.'),
        # failures inside a data pipeline name the transform and the image
        'pipeline-colour-augment-on-grey': ({
            f'{data}.pipeline': [
                dict(type='RandAugment', policies='timm_increasing', num_policies=2,
                     total_level=10, magnitude_level=9, magnitude_std=0.5,
                     hparams=dict(pad_val=[0])),
                dict(type='PackInputs')]
        }, 'FashionMNISTLT pipeline step 1 of 2 (RandAugment) failed on sample '),
        'pipeline-empty-image-file': (dict(training_set(
            type='CustomDataset', data_root=str(d), ann_file='one_per_class.txt',
            metainfo=dict(classes=[f'c{c}' for c in range(10)]),
            pipeline=[dict(type='LoadImageFromFile', color_type='grayscale'),
                      dict(type='PackInputs')]),
            **{'model.distill': dict(_delete_=True, method='kd')}),
            f'CustomDataset pipeline step 1 of 2 (LoadImageFromFile) failed on '
            f'{d / "images" / "4.png"}: error: OpenCV'),
    }


def digest(folder):
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = osp.join(root, name)
            with open(path, 'rb') as f:
                out[osp.relpath(path, folder)] = hashlib.sha1(f.read()).hexdigest()
    return out


@pytest.fixture(scope='module')
def earlier_run(repo_root, fmnist_root, small_teacher_ckpt,
                tmp_path_factory):
    """A finished one-epoch run whose work directory every case reuses."""
    tmp = tmp_path_factory.mktemp('sweep')
    config = small_acckd_config(
        tmp, repo_root, fmnist_root, small_teacher_ckpt, epochs=1)
    cfg = Config.fromfile(config)
    cfg.work_dir = str(tmp / 'work')
    cfg.experiment_name = 'earlier'
    build_runner(prepare_cfg(cfg)).train()
    assert osp.isfile(osp.join(cfg.work_dir, 'epoch_1.pth'))
    time.sleep(1.1)  # mmengine names log folders by the second
    return dict(
        config=config, work_dir=cfg.work_dir, tmp=tmp, files=digest(cfg.work_dir))


@pytest.fixture(scope='module')
def bad_files(earlier_run, fmnist_root, small_teacher_ckpt):
    return files(earlier_run['tmp'], fmnist_root, small_teacher_ckpt,
                 earlier_run['work_dir'])


CASES = sorted(cases(Path('/unused'), ''))


def test_the_sweep_is_wide():
    assert len(CASES) >= 100


@pytest.mark.parametrize('case', CASES)
def test_bad_input_fails_early_in_one_line(case, earlier_run, bad_files, fmnist_root,
                                           repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)
    options, expected = cases(bad_files, fmnist_root)[case]
    options = {k: osp.join(earlier_run['work_dir'], 'epoch_1.pth')
               if v == 'EARLIER_EPOCH_1' else v for k, v in options.items()}
    cfg = Config.fromfile(earlier_run['config'])
    cfg = merge_options(cfg, options)
    cfg.work_dir = earlier_run['work_dir']
    cfg.experiment_name = f'bad_{case}'
    cfg.custom_hooks = list(cfg.get('custom_hooks',
                                    [])) + [dict(type='NoIterationHook')]
    with pytest.raises(Exception) as err:
        build_runner(prepare_cfg(cfg)).train()
    message = str(err.value).strip()
    assert not isinstance(err.value, AssertionError), message
    assert expected in message, f'{type(err.value).__name__}: {message}'
    assert '\n' not in message, message
    after = digest(cfg.work_dir)  # the earlier run's files: none overwritten or lost
    assert {k: after.get(k) for k in earlier_run['files']} == earlier_run['files']


def test_export_refuses_a_planted_checkpoint(earlier_run, bad_files, repo_root,
                                             tmp_path):
    out = str(tmp_path / 'student.pth')
    result = run_tool(repo_root, EXPORT, earlier_run['config'],
                      str(bad_files / 'planted.pth'), out)
    assert result.returncode != 0
    assert 'UnsafeCheckpointError: refusing to load checkpoint' in result.stderr
    assert "'posix.getcwd'" in result.stderr
    assert not osp.exists(out)
