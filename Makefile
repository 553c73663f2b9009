# `make demo` and `make test` each set everything up on a fresh machine (a virtual
# environment in .venv with w2v and its test/bench extras), then do their job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
W2V := $(BIN)/w2v

.PHONY: install demo test fuzz bench bench-subwords bench-graphs bench-docs bench-glove bench-encoded bench-cluster docs lint clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench,plot,eval,lint,cluster]'
	touch $@

# Train CBOW on text8 (from $$W2V_DATA or ../shared when present, else downloaded into
# corpora/ and checked), then query the vectors it wrote to ./vectors.bin and draw a
# map of three neighbourhoods to ./map.png.
demo: install
	corpus=$$($(W2V) data get text8 --dir corpora) && \
		$(W2V) train "$$corpus" --arch cbow -o vectors.bin
	$(W2V) similar king -m vectors.bin
	$(W2V) analogy king man woman -m vectors.bin
	$(W2V) plot king queen king-man+woman -m vectors.bin -o map.png

test: install
	$(BIN)/python -m pytest -q

# The vector-file readers against 10,000 mutated files per test (`make test` runs 200).
fuzz: install
	W2V_FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest -q tests/test_fuzz.py

# Speed against gensim and fastText (3M words, 1 epoch; set W2V_BENCH_C to a word2vec
# C binary to include it), quality at 5 epochs over three seeds, then the evaluator
# against gensim's (exactness and speed), and whether two threads get two cores
# (benchmarks/cores.py). About 40 minutes on two cores; needs GNU time.
bench: install
	cd benchmarks && ../$(BIN)/python speed.py
	cd benchmarks && ../$(BIN)/python quality.py --seeds 1 2 3
	cd benchmarks && ../$(BIN)/python evaluation.py
	cd benchmarks && ../$(BIN)/python cores.py

# Subword models against fastText and gensim's FastText, skip-gram and CBOW, all of
# text8-prefix, 5 epochs (about 35 minutes on two cores; needs GNU time).
bench-subwords: install
	cd benchmarks && ../$(BIN)/python subwords.py

# Node vectors against PecanPy 2.0.9 on BlogCatalog, PPI and Wikipedia, DeepWalk's and
# node2vec's walks, three seeds each (about 50 minutes on two cores; needs GNU time,
# and scikit-learn for the scoring). PecanPy
# pins numpy below 2, so it gets an environment of its own, .venv-pecanpy.
bench-graphs: install .venv-pecanpy/bin/pecanpy
	cd benchmarks && ../$(BIN)/python graphs.py --graphs BlogCatalog PPI Wikipedia --rounds 3

# GloVe against Stanford's tool (W2V_BENCH_GLOVE: its build folder, made with its own
# makefile from github.com/stanfordnlp/GloVe), demo.sh's settings at 100 dimensions, two
# seeds, w2v also at --memory 0.25 (about 40 minutes on two cores; needs GNU time).
bench-glove: install
	cd benchmarks && ../$(BIN)/python glove.py --systems w2v Stanford w2v-0.25 --rounds 2

# Document vectors against gensim 4.4's Doc2Vec: IMDB sentiment (PV-DBOW, PV-DM),
# inference, PV-DBOW with word training, the Lee corpus (about 60 minutes on two cores;
# needs GNU time and scikit-learn).
bench-docs: install
	cd benchmarks && ../$(BIN)/python docs.py --tasks imdb speed lee

# Training from an encoded corpus (w2v encode) against the text and gensim's corpus_file:
# peak memory and time, three rounds, then the corpus repeated ten times (about 15
# minutes on two cores; needs GNU time).
bench-encoded: install
	cd benchmarks && ../$(BIN)/python encoded.py --scale 10

# Rounds on a LocalCluster against one process: quality (3 seeds), then throughput.
bench-cluster: install
	cd benchmarks && ../$(BIN)/python cluster.py --seeds 1 2 3 --systems threads2 local2
	cd benchmarks && ../$(BIN)/python cluster.py --throughput --repeats 3

.venv-pecanpy/bin/pecanpy:
	$(PYTHON) -m venv .venv-pecanpy
	.venv-pecanpy/bin/python -m pip install --quiet --disable-pip-version-check pecanpy==2.0.9

# docs/cli.md from the commands' own --help (tests/test_docs.py checks they agree).
docs: install
	$(BIN)/python -m w2v.cli.reference > docs/cli.md

lint: install
	$(BIN)/ruff check w2v tests benchmarks

clean:
	rm -rf $(VENV) .venv-pecanpy build *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
