#!/usr/bin/python3
"""Scores predicted labels against gold labels: prints {"n", "accuracy", "macro_f1"} as JSON.

    score.py GOLD PRED

Each file holds one label a line (b, t, e or m), the same number of lines, in the same order;
an empty predicted line counts as wrong. macro_f1 is the unweighted mean of the F1 of the
classes that occur in GOLD or PRED, as scikit-learn's f1_score(average="macro") computes it.
Standard library only.
"""
import json
import sys


def read(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f]


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: score.py GOLD PRED\n")
        return 2
    gold, pred = read(argv[1]), read(argv[2])
    if len(gold) != len(pred) or not gold:
        sys.stderr.write(f"score.py: {len(gold)} gold labels but {len(pred)} predictions\n")
        return 1
    classes = sorted((set(gold) | set(pred)) - {""})
    f1s = []
    for c in classes:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    accuracy = sum(1 for g, p in zip(gold, pred) if g == p) / len(gold)
    print(json.dumps({"n": len(gold), "accuracy": accuracy, "macro_f1": sum(f1s) / len(f1s)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
