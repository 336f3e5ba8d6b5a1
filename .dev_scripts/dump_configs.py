"""Dump every config leaf's effective dict (as ``Config.fromfile`` reads it) into
one JSON file, or compare two dumps: a config refactor must leave every leaf's
dict as it was.

    python .dev_scripts/dump_configs.py dump OUT.json [ROOT ...]
    python .dev_scripts/dump_configs.py compare BEFORE.json AFTER.json [--same-meaning]

``--same-meaning`` reads two spellings of one thing as equal: a path through
``..`` and its normalised form (``{{fileDirname}}/../x`` written from another
folder), and the ``_scope_='mmpretrain'`` that mmengine adds to dicts inherited
through an ``mmpretrain::`` base, in a config whose ``default_scope`` is
``'mmpretrain'`` anyway (the registry lookups are the same).
"""
import argparse
import glob
import json
import os.path as osp
import sys

from mmengine.config import Config

ROOTS = ('configs', 'projects')


def leaves(roots):
    for root in roots:
        for path in sorted(glob.glob(osp.join(root, '**', '*.py'), recursive=True)):
            if '_base_' not in path.split(osp.sep) and 'configs' in path.split(osp.sep):
                yield path


def dump(out: str, roots) -> None:
    table = {}
    for path in leaves(roots):
        cfg = Config.fromfile(path)
        table[path] = json.loads(
            json.dumps(cfg.to_dict(), default=repr, sort_keys=True))
    with open(out, 'w') as f:
        json.dump(table, f, indent=1, sort_keys=True)
    print(f'{len(table)} configs -> {out}')


def differences(a, b, where=''):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                side = 'only after' if key not in a else 'only before'
                yield f'{where}.{key}: {side}'
            else:
                yield from differences(a[key], b[key], f'{where}.{key}')
    elif a != b:
        yield f'{where}: {a!r} -> {b!r}'


def same_meaning(value, scope: str):
    """``value`` with path spellings normalised and redundant scopes dropped."""
    if isinstance(value, dict):
        return {k: same_meaning(v, scope) for k, v in value.items()
                if not (k == '_scope_' and v == scope)}
    if isinstance(value, list):
        return [same_meaning(v, scope) for v in value]
    if isinstance(value, str) and '/../' in value:
        return osp.normpath(value)
    return value


def compare(before: str, after: str, meaning: bool = False) -> int:
    old, new = json.load(open(before)), json.load(open(after))
    if meaning:
        old = {p: same_meaning(c, c.get('default_scope')) for p, c in old.items()}
        new = {p: same_meaning(c, c.get('default_scope')) for p, c in new.items()}
    changed = 0
    for path in sorted(set(old) | set(new)):
        if path not in old or path not in new:
            print(f'{path}: {"added" if path not in old else "removed"}')
            changed += 1
            continue
        diffs = list(differences(old[path], new[path]))
        for line in diffs:
            print(f'{path}{line}')
        changed += bool(diffs)
    print(f'{len(new)} configs after, {len(old)} before; {changed} differ')
    return int(changed > 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    d = sub.add_parser('dump')
    d.add_argument('out')
    d.add_argument('roots', nargs='*', default=list(ROOTS))
    c = sub.add_parser('compare')
    c.add_argument('before')
    c.add_argument('after')
    c.add_argument('--same-meaning', action='store_true',
                   help='equal paths and redundant registry scopes are equal')
    args = parser.parse_args()
    if args.command == 'dump':
        dump(args.out, args.roots)
        return 0
    return compare(args.before, args.after, args.same_meaning)


if __name__ == '__main__':
    sys.exit(main())
