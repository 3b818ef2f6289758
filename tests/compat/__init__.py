"""The compatibility check: the pack in a real ComfyUI with a given frontend, in the classic and the Nodes 2.0
renderer, against the pack's own emulator (``python -m tests.compat --help``). It needs a ComfyUI work tree and its
Python, Chromium and playwright-core, so it is a script to run by hand, not part of the test suite; its printed
table goes into the README's "Tested with" section."""
