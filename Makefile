# Quick start (README): `make run` and `make test` on a fresh Debian machine.
# Each installs what it needs: Debian packages (as root; otherwise the exact apt line is
# printed and make stops) and Python dependencies into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils libreoffice-writer-nogui \
	fonts-dejavu-core fonts-dejavu-extra chromium chromium-driver
DEMO_HOME ?= demo-home

.PHONY: run test setup system-deps lint typecheck pytest bench clean-demo corpus serve screenshots

setup: system-deps $(VENV)/.installed

system-deps:
	@missing=""; \
	command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract-ocr"; \
	{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx vie; } || missing="$$missing tesseract-ocr-vie"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	{ command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; } || missing="$$missing libreoffice-writer-nogui"; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed.ttf || missing="$$missing fonts-dejavu-extra"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian packages:$$missing" >&2; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >&2; \
	  else \
	    echo "missing Debian packages:$$missing. Install them with:" >&2; \
	    echo "  sudo apt-get install -y --no-install-recommends $(APT_PACKAGES)" >&2; \
	    exit 1; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# mypy cannot follow setuptools' editable finder; give it the repo as package `evidence`.
typecheck: $(VENV)/.installed
	@mkdir -p build/typecheck && ln -sfn ../.. build/typecheck/evidence
	MYPYPATH=build/typecheck $(BIN)/mypy -p evidence

pytest: setup
	$(BIN)/pytest

test: setup lint typecheck pytest

# The main job on the bundled corpus: ingest -> status -> search -> completeness check,
# then the XLSX report and the evidence pack written into the demo store.
run: setup
	$(BIN)/evidence --home $(DEMO_HOME) ingest corpus/files
	$(BIN)/evidence --home $(DEMO_HOME) status
	$(BIN)/evidence --home $(DEMO_HOME) search "ISO 9001" --limit 5
	$(BIN)/evidence --home $(DEMO_HOME) search "ke hoach cai cach hanh chinh nam 2023" --limit 5
	$(BIN)/evidence --home $(DEMO_HOME) refs --missing
	$(BIN)/evidence --home $(DEMO_HOME) check --format xlsx --out $(DEMO_HOME)/bao-cao-kiem-chung.xlsx
	$(BIN)/evidence --home $(DEMO_HOME) pack --out $(DEMO_HOME)/ho-so-kiem-chung --force
	$(BIN)/evidence --home $(DEMO_HOME) check

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/eval_extract.py
	$(BIN)/python bench/search.py --sizes 10000
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/check.py
	$(BIN)/python bench/web.py

# The officer's web workspace over the demo store (make run fills it): http://127.0.0.1:8080/
serve: setup
	$(BIN)/evidence --home $(DEMO_HOME) serve --root corpus/files

# A PNG of each screen of the web workspace into docs/screens/ (the browser test takes them)
screenshots: setup
	EVIDENCE_SCREENSHOTS=docs/screens $(BIN)/pytest tests/test_web_browser.py -q

# Regenerate corpus/files from corpus/src (deterministic; the outputs are committed).
corpus: setup
	$(BIN)/python corpus/generate.py

clean-demo:
	rm -rf $(DEMO_HOME)
