# One experiment: tokenize -> embed -> fit -> eval, leaving OUT/model, OUT/metrics.json (the
# validation split's metrics) and OUT/train.log. Nothing is redone when nothing changed.
#
#   make -f scripts/experiment.mk DATA=newsCorpora.csv GLOVE=glove.6B.100d.txt OUT=out/run1 \
#        EPOCHS=10 SPLIT_BY=story HIDDEN_UNITS=32
#   make -f scripts/experiment.mk ARCH=linear OUT=out/linear
#
# DATA and GLOVE may be .xz or .gz compressed. The token stream keeps every word; DIM goes to
# newsclf-embed; every other upper-case variable given on the command line is a newsclf-fit
# hyperparameter (ARCH -> --arch, with that arch's defaults for the others; EPOCHS -> --epochs,
# MAX_WORDS -> --max-words, SPLIT_BY -> --split-by, ...; see newsclf-fit --help).
# HIDDEN is short for HIDDEN_UNITS.

DATA ?= testdata/news.sample.tsv
GLOVE ?= testdata/glove.sample.100d.txt.xz
OUT ?= out/experiment
BIN ?= build/bin

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DELETE_ON_ERROR:

own_variables := DATA GLOVE OUT BIN DIM
command_line := $(foreach v,$(filter-out $(own_variables),$(.VARIABLES)),$(if $(filter command line,$(origin $v)),$v))
hyperparameter_variables := $(filter-out $(own_variables),$(command_line))
option_name = $(subst _,-,$(shell echo '$(if $(filter HIDDEN,$1),HIDDEN_UNITS,$1)' | tr A-Z a-z))

TOKENIZE_ARGS := --max-words 0
EMBED_ARGS := $(if $(DIM),--dim $(DIM))
FIT_ARGS := $(foreach v,$(hyperparameter_variables),--$(call option_name,$v) $($v))

.PHONY: all FORCE
all: $(OUT)/metrics.json

# Argument files change only when the arguments do, so a changed setting redoes what depends on it.
$(OUT)/%.args: FORCE
	@mkdir -p $(OUT)
	@echo '$($(shell echo $* | tr a-z A-Z)_ARGS)' | cmp -s - $@ || echo '$($(shell echo $* | tr a-z A-Z)_ARGS)' > $@

$(OUT)/tokens: $(DATA) $(OUT)/tokenize.args
	$(BIN)/newsclf-tokenize $(TOKENIZE_ARGS) --vocab-out $(OUT)/vocab.txt -o $@ $(DATA)

$(OUT)/embedding.npy: $(GLOVE) $(OUT)/tokens $(OUT)/embed.args
	$(BIN)/newsclf-embed $(EMBED_ARGS) --vocab $(OUT)/tokens -o $@ $(GLOVE)

$(OUT)/model: $(OUT)/tokens $(OUT)/embedding.npy $(OUT)/fit.args
	$(BIN)/newsclf-fit $(FIT_ARGS) --embedding $(OUT)/embedding.npy -o $@ $(OUT)/tokens 2>&1 | tee $(OUT)/train.log

$(OUT)/metrics.json: $(OUT)/model $(OUT)/tokens
	$(BIN)/newsclf-eval --model $(OUT)/model --subset validation -o $@ $(OUT)/tokens
