# Two commands do all the set-up: `make demo` and `make test`.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
DEMO    := examples/demo_study/study.toml
DEMOOUT := demo-output

.PHONY: demo test install clean system-deps fonts

$(PY):
	python3 -m venv $(VENV)

# torch is pinned (==2.13.0, CPU build) and installed first so that nothing pulls a CUDA wheel.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test,atomistic,spectra]'
	touch $(STAMP)

install: $(STAMP)

# A CJK font for figure labels (Debian fonts-noto-cjk), as .ci/run installs chromium: best effort.
fonts:
	@fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null; } \
	  || echo "warning: fonts-noto-cjk not installed; CJK labels in figures render as boxes"

demo: $(STAMP) fonts
	$(VENV)/bin/interstore report $(DEMO) --out $(DEMOOUT)

# Debian packages the readers use: mdbtools (mdb-export) for Arbin .res files.  Installed
# when running as root with apt-get (as CI does); elsewhere a note says how.
system-deps:
	@command -v mdb-export >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mdbtools >/dev/null; } \
	      || echo "warning: could not install mdbtools; Arbin .res files will be refused"; \
	  else echo "note: install mdbtools (apt-get install mdbtools) to read Arbin .res files"; fi; }

# mypy type-checks src/interstore first (config: [tool.mypy] in pyproject.toml), then the suite runs.
test: $(STAMP) system-deps fonts
	$(PY) -m mypy
	$(PY) -m pytest

clean:
	rm -rf $(VENV) $(DEMOOUT)
