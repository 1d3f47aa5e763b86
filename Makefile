# Two commands do all the set-up: `make demo` and `make test`.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
DEMO    := examples/demo_study/study.toml
DEMOOUT := demo-output

.PHONY: demo test install clean

$(PY):
	python3 -m venv $(VENV)

# torch is pinned (==2.13.0, CPU build) and installed first so that nothing pulls a CUDA wheel.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test,atomistic,spectra]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/interstore report $(DEMO) --out $(DEMOOUT)

test: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) $(DEMOOUT)
