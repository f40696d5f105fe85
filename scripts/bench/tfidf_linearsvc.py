#!/usr/bin/python3
"""The scikit-learn peer of the benchmark: TF-IDF of word 1-2 grams (sublinear tf) + LinearSVC.

    tfidf_linearsvc.py train TRAIN_TXT MODEL     fit on fastText-format lines, pickle the model
    tfidf_linearsvc.py predict MODEL TEST_TXT    one predicted label (b, t, e, m) a line on stdout

Lines are newsclf-tokenize --output-format fasttext output ("__label__b word word ..."), so the
words are newsclf's; they are split on spaces only. For predict the label prefix is optional.
Run with Debian's /usr/bin/python3 and python3-sklearn.
"""
import pickle
import sys

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

PREFIX = "__label__"


def read(path):
    labels, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            label = ""
            if line.startswith(PREFIX):
                label, _, line = line.partition(" ")
                label = label[len(PREFIX):]
            labels.append(label)
            texts.append(line)
    return labels, texts


def main(argv):
    if len(argv) != 4 or argv[1] not in ("train", "predict"):
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == "train":
        labels, texts = read(argv[2])
        # The words are already normalised: no lower-casing, no token pattern, split on spaces.
        model = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=False,
                            tokenizer=str.split, token_pattern=None),
            LinearSVC())
        model.fit(texts, labels)
        with open(argv[3], "wb") as f:
            pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
    else:
        with open(argv[2], "rb") as f:
            model = pickle.load(f)
        _, texts = read(argv[3])
        sys.stdout.write("".join(label + "\n" for label in model.predict(texts)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
