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

DATA ?= testdata/news.sample.tsv
GLOVE ?= testdata/glove.sample.100d.txt.xz
OUT ?= out/experiment
BIN ?= build/bin
RANKS ?= 1

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DELETE_ON_ERROR:

own_variables := DATA GLOVE OUT BIN DIM VALIDATION_SPLIT INNER_VALIDATION_SPLIT RANKS MPIRUN_ARGS
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

.PHONY: all final FORCE
all: $(OUT)/metrics.json
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
