#!/usr/bin/python3
"""Writes the benchmark's row and story splits of the data set's TSV as train/test files.

    split.py DATA OUTDIR   ->   OUTDIR/{row,story}.{train,test}.tsv

Kept rows: 8 TAB-separated fields, a category of b, t, e or m, a title that is not blank.
row: the kept rows shuffled with random.Random(99).shuffle, the first int(n * 0.8) are train
(in shuffled order). story: a row is test when int(md5(STORY), 16) % 5 == 0 (file order).
Standard library only; lines are copied byte for byte.
"""
import hashlib
import os
import random
import sys


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: split.py DATA OUTDIR\n")
        return 2
    data, outdir = argv[1], argv[2]
    with open(data, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    rows, skipped = [], 0
    for line in lines:
        fields = line.split(b"\t")
        if len(fields) != 8 or fields[4] not in (b"b", b"t", b"e", b"m") or not fields[1].strip():
            skipped += 1
            continue
        rows.append(line)
    if skipped:
        sys.stderr.write(f"split.py: skipped {skipped} rows that are not labelled 8-field TSV\n")

    shuffled = list(rows)
    random.Random(99).shuffle(shuffled)
    n_train = int(len(shuffled) * 0.8)
    story_test = [int(hashlib.md5(r.split(b"\t")[5]).hexdigest(), 16) % 5 == 0 for r in rows]
    splits = {
        "row": (shuffled[:n_train], shuffled[n_train:]),
        "story": ([r for r, t in zip(rows, story_test) if not t],
                  [r for r, t in zip(rows, story_test) if t]),
    }
    os.makedirs(outdir, exist_ok=True)
    for name, parts in splits.items():
        for part, part_rows in zip(("train", "test"), parts):
            with open(os.path.join(outdir, f"{name}.{part}.tsv"), "wb") as f:
                f.writelines(r + b"\n" for r in part_rows)
        sys.stderr.write(f"split.py: {name} split: {len(parts[0])} train, {len(parts[1])} test rows\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
