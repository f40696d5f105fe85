# One experiment: tokenize -> split -> embed -> fit -> eval, leaving OUT/model, OUT/metrics.json
# and OUT/train.log. The token stream is split once (newsclf-fit --split-out, by SPLIT_BY,
# VALIDATION_SPLIT and SEED, newsclf-fit's defaults otherwise) into OUT/train.tokens and
# OUT/validation.tokens; the model is fit on the first and metrics.json scores it on the second,
# so every arch is measured on the same rows, none of which it trained on. `make ... final` then
# trains the same model on every row: OUT/final.model (and OUT/final.log). Nothing is redone when
# nothing changed.
#
#   make -f scripts/experiment.mk DATA=newsCorpora.csv GLOVE=glove.6B.100d.txt OUT=out/run1 \
#        EPOCHS=10 SPLIT_BY=story HIDDEN_UNITS=32
#   make -f scripts/experiment.mk ARCH=linear OUT=out/linear
#   make -f scripts/experiment.mk ARCH=linear OUT=out/linear final
#
# DATA and GLOVE may be .xz or .gz compressed. The token stream keeps every word; DIM goes to
# newsclf-embed; every other upper-case variable given on the command line is a newsclf-fit
# hyperparameter (ARCH -> --arch, with that arch's defaults for the others; EPOCHS -> --epochs,
# MAX_WORDS -> --max-words, SPLIT_BY -> --split-by, ...; see newsclf-fit --arch ARCH --help).
# HIDDEN is short for HIDDEN_UNITS. VALIDATION_SPLIT is the held-out fraction; the fit itself
# keeps no validation rows of its training stream (--validation-split 0) but for the ensemble,
# whose mixture weights are fit on its own split of it (its defaults); INNER_VALIDATION_SPLIT sets
# that fraction for any arch (early stopping with PATIENCE needs one).
#
# RANKS=N trains under Open MPI's `mpirun -np N` (N processes, each on its share of the training
# rows; see newsclf-fit(1)), with MPIRUN_ARGS before the program (e.g. --oversubscribe, or
# --hostfile FILE for several hosts). As root, Open MPI asks for OMPI_ALLOW_RUN_AS_ROOT=1 and
# OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 in the environment.
#
#   make -f scripts/experiment.mk ARCH=bag OUT=out/bag2 RANKS=2
#
# CV=K cross-validates instead: newsclf-fit --split-out --folds K --fold I deals the whole stories
# (SPLIT_BY=row: the rows) of OUT/tokens by SEED into K folds, the same for every arch, and for
# each fold I the model is fit on the other folds (OUT/foldI/train.tokens, OUT/foldI/model) and
# scored on fold I (OUT/foldI/validation.tokens, OUT/foldI/metrics.json). OUT/cv.json gathers
# each fold's n, accuracy and macro-F1 and their mean, sample standard deviation (sd) and
# standard error (se = sd / sqrt(K)); the target prints a line per fold and one of the means on
# stdout (the fits' messages go to stderr and OUT/foldI/train.log).
# The target linearsvc scores scikit-learn's TF-IDF + LinearSVC (scripts/bench/tfidf_linearsvc.py,
# with PYTHON) on the same folds, given as fastText lines by newsclf-tokenize --output-format
# fasttext, into OUT/cv.linearsvc.json, and prints the same lines.
#
#   make -f scripts/experiment.mk ARCH=linear OUT=out/cv-linear CV=5
#   make -f scripts/experiment.mk OUT=out/cv-linear CV=5 linearsvc

DATA ?= testdata/news.sample.tsv
GLOVE ?= testdata/glove.sample.100d.txt.xz
OUT ?= out/experiment
BIN ?= build/bin
RANKS ?= 1
PYTHON ?= /usr/bin/python3

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DELETE_ON_ERROR:

own_variables := DATA GLOVE OUT BIN DIM VALIDATION_SPLIT INNER_VALIDATION_SPLIT RANKS MPIRUN_ARGS CV PYTHON
command_line := $(foreach v,$(filter-out $(own_variables),$(.VARIABLES)),$(if $(filter command line,$(origin $v)),$v))
hyperparameter_variables := $(filter-out $(own_variables),$(command_line))
option_name = $(subst _,-,$(shell echo '$(if $(filter HIDDEN,$1),HIDDEN_UNITS,$1)' | tr A-Z a-z))

# The split names no arch, so that it holds out the same rows whatever ARCH is.
split_variables := $(filter SPLIT_BY SEED,$(command_line))
inner_split := $(or $(INNER_VALIDATION_SPLIT),$(if $(filter ensemble,$(ARCH)),,0))

TOKENIZE_ARGS := --max-words 0
SPLIT_ARGS := $(foreach v,$(split_variables),--$(call option_name,$v) $($v)) $(if $(VALIDATION_SPLIT),--validation-split $(VALIDATION_SPLIT))
EMBED_ARGS := $(if $(DIM),--dim $(DIM))
RANKS_ARGS := $(RANKS) $(MPIRUN_ARGS)
# The fit under mpirun with RANKS above 1; ranks.args holds RANKS and MPIRUN_ARGS, so that a change
# of either redoes the fit.
FIT := $(if $(filter-out 1,$(RANKS)),mpirun -np $(RANKS) $(MPIRUN_ARGS) )$(BIN)/newsclf-fit
FIT_ARGS := $(foreach v,$(hyperparameter_variables),--$(call option_name,$v) $($v)) $(if $(inner_split),--validation-split $(inner_split))

.PHONY: all final cv linearsvc FORCE
all: $(if $(CV),cv,$(OUT)/metrics.json)
final: $(OUT)/final.model

# Argument files change only when the arguments do, so a changed setting redoes what depends on it.
$(OUT)/%.args: FORCE
	@mkdir -p $(OUT)
	@echo '$($(shell echo $* | tr a-z A-Z)_ARGS)' | cmp -s - $@ || echo '$($(shell echo $* | tr a-z A-Z)_ARGS)' > $@

$(OUT)/tokens: $(DATA) $(OUT)/tokenize.args
	$(BIN)/newsclf-tokenize $(TOKENIZE_ARGS) --vocab-out $(OUT)/vocab.txt -o $@ $(DATA)

$(OUT)/train.tokens $(OUT)/validation.tokens &: $(OUT)/tokens $(OUT)/split.args
	$(BIN)/newsclf-fit $(SPLIT_ARGS) --split-out $(OUT)/train.tokens $(OUT)/validation.tokens $(OUT)/tokens

$(OUT)/embedding.npy: $(GLOVE) $(OUT)/tokens $(OUT)/embed.args
	$(BIN)/newsclf-embed $(EMBED_ARGS) --vocab $(OUT)/tokens -o $@ $(GLOVE)

$(OUT)/model: $(OUT)/train.tokens $(OUT)/embedding.npy $(OUT)/fit.args $(OUT)/ranks.args
	$(FIT) $(FIT_ARGS) --embedding $(OUT)/embedding.npy -o $@ $(OUT)/train.tokens 2>&1 | tee $(OUT)/train.log

$(OUT)/metrics.json: $(OUT)/model $(OUT)/validation.tokens
	$(BIN)/newsclf-eval --model $(OUT)/model -o $@ $(OUT)/validation.tokens

$(OUT)/final.model: $(OUT)/tokens $(OUT)/embedding.npy $(OUT)/fit.args $(OUT)/ranks.args
	$(FIT) $(FIT_ARGS) --embedding $(OUT)/embedding.npy -o $@ $(OUT)/tokens 2>&1 | tee $(OUT)/final.log

# Cross-validation (CV=K): the folds are dealt by the split's variables alone, by story unless
# SPLIT_BY says otherwise, so that every arch and peer is scored on the same folds.
ifneq ($(CV),)
ifneq ($(shell [ "$(CV)" -ge 2 ] 2>/dev/null && echo yes),yes)
$(error CV=$(CV): give the number of folds, 2 or more)
endif
else ifneq ($(filter cv linearsvc,$(MAKECMDGOALS)),)
$(error the targets cv and linearsvc cross-validate: give CV=K, the number of folds)
endif
folds := $(if $(CV),$(shell seq 1 $(CV)))
CV_ARGS := $(strip --split-by $(or $(SPLIT_BY),story) $(if $(SEED),--seed $(SEED)) --folds $(CV))
cv_system := newsclf-$(or $(PRESET),$(ARCH),mlp)

# cv_summary SYSTEM,FOLD_SCORES,FIT: cv.json's object from the folds' scores ({n, accuracy,
# macro_f1}, fold 1 first): each fold's, and the mean, sample sd and se of accuracy and macro-F1.
cv_spread := def spread(f): (map(f)) as $$v | ($$v | add / length) as $$m | ($$v | length) as $$k | (($$v | map((. - $$m) * (. - $$m)) | add) / ($$k - 1) | sqrt) as $$sd | {mean: $$m, sd: $$sd, se: ($$sd / ($$k | sqrt))};
cv_object := {system: $$system, folds: length, split: $$split, fit: $$fit, n: (map(.n) | add), per_fold: [to_entries[] | {fold: (.key + 1), n: .value.n, accuracy: .value.accuracy, macro_f1: .value.macro_f1}], accuracy: spread(.accuracy), macro_f1: spread(.macro_f1)}
cv_summary = jq -s --arg system '$1' --arg split '$(CV_ARGS)' --arg fit '$3' '$(cv_spread) $(cv_object)' $2
# cv_lines CV_JSON: a line per fold and one of the means, on stdout.
cv_rows := [.system, .folds] as [$$s, $$k] | (.per_fold[] | ["fold", $$s, .fold, $$k, .n, .accuracy, .macro_f1]), ["mean", $$s, $$k, .n, .accuracy.mean, .accuracy.sd, .accuracy.se, .macro_f1.mean, .macro_f1.sd, .macro_f1.se] | @tsv
cv_format := $$1 == "fold" { printf "%s fold %d/%d: %d rows, accuracy %.4f, macro-F1 %.4f\n", $$2, $$3, $$4, $$5, $$6, $$7 } $$1 == "mean" { printf "%s mean of %d folds (%d rows): accuracy %.4f (sd %.4f, se %.4f), macro-F1 %.4f (sd %.4f, se %.4f)\n", $$2, $$3, $$4, $$5, $$6, $$7, $$8, $$9, $$10 }
cv_lines = jq -r '$(cv_rows)' $1 | awk -F'\t' '$(cv_format)'

define fold_rules
$(OUT)/fold$1/train.tokens $(OUT)/fold$1/validation.tokens &: $(OUT)/tokens $(OUT)/cv.args
	@mkdir -p $(OUT)/fold$1
	$(BIN)/newsclf-fit $(CV_ARGS) --fold $1 --split-out $(OUT)/fold$1/train.tokens $(OUT)/fold$1/validation.tokens $(OUT)/tokens

$(OUT)/fold$1/model: $(OUT)/fold$1/train.tokens $(OUT)/embedding.npy $(OUT)/fit.args $(OUT)/ranks.args
	$(FIT) $(FIT_ARGS) --embedding $(OUT)/embedding.npy -o $$@ $(OUT)/fold$1/train.tokens 2>&1 | tee $(OUT)/fold$1/train.log >&2

$(OUT)/fold$1/metrics.json: $(OUT)/fold$1/model $(OUT)/fold$1/validation.tokens
	$(BIN)/newsclf-eval --model $(OUT)/fold$1/model -o $$@ $(OUT)/fold$1/validation.tokens

$(OUT)/fold$1/%.ft: $(OUT)/fold$1/%.tokens
	$(BIN)/newsclf-tokenize -q --output-format fasttext -o $$@ $$<

$(OUT)/fold$1/linearsvc.json: $(OUT)/fold$1/train.ft $(OUT)/fold$1/validation.ft
	$(PYTHON) scripts/bench/tfidf_linearsvc.py train $(OUT)/fold$1/train.ft $(OUT)/fold$1/linearsvc.pkl
	$(PYTHON) scripts/bench/tfidf_linearsvc.py predict $(OUT)/fold$1/linearsvc.pkl $(OUT)/fold$1/validation.ft > $(OUT)/fold$1/linearsvc.pred
	sed 's/^__label__\([a-z]*\).*/\1/' $(OUT)/fold$1/validation.ft > $(OUT)/fold$1/validation.gold
	$(PYTHON) scripts/bench/score.py $(OUT)/fold$1/validation.gold $(OUT)/fold$1/linearsvc.pred > $$@
endef
$(foreach i,$(folds),$(eval $(call fold_rules,$i)))

$(OUT)/cv.json: $(foreach i,$(folds),$(OUT)/fold$i/metrics.json)
	$(call cv_summary,$(cv_system),$^,newsclf-fit $(FIT_ARGS)) > $@

$(OUT)/cv.linearsvc.json: $(foreach i,$(folds),$(OUT)/fold$i/linearsvc.json)
	$(call cv_summary,sklearn-linearsvc,$^,scripts/bench/tfidf_linearsvc.py: TF-IDF 1-2 grams + LinearSVC) > $@

cv: $(OUT)/cv.json
	@$(call cv_lines,$<)

linearsvc: $(OUT)/cv.linearsvc.json
	@$(call cv_lines,$<)
