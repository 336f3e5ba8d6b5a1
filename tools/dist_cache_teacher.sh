#!/usr/bin/env bash
# The teacher replay cache of a distributed run (one row file per rank):
#   bash tools/dist_cache_teacher.sh CONFIG NUM_PROCESSES [cache_teacher.py options]
TOOL=cache_teacher.py exec bash "$(dirname "$0")/dist_train.sh" "$@"
