#!/usr/bin/env bash
# Distributed training with torchrun and mmengine's DDP.
#   bash tools/dist_train.sh CONFIG NUM_PROCESSES [train.py options]
# Without CUDA the processes use the gloo backend on CPU. TOOL (default train.py)
# runs another tool of this folder the same way (tools/dist_cache_teacher.sh).
set -e
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
PYTHON=${PYTHON:-python}
TOOL=${TOOL:-train.py}

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
$PYTHON -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" \
    --master_port="$PORT" \
    "$(dirname "$0")/$TOOL" \
    "$CONFIG" \
    --launcher pytorch "${@:3}"
