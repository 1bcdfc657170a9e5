# SPDX-License-Identifier: MIT
"""`vmmctl drgn`: python3 -m memvisor_drgn --socket PATH --kernel FILE ..."""

import argparse
import code
import os
import runpy
import sys
import time

PROG = "vmmctl drgn"


def die(msg):
    sys.exit(f"{PROG}: {msg}")


try:
    import drgn
except ImportError:
    die(f"{sys.executable} cannot import drgn: install Debian's python3-drgn "
        "(apt-get install python3-drgn), or set MEMVISOR_PYTHON to a python3 that has it")

import memvisor_drgn  # noqa: E402
from memvisor_drgn.program import ImageMismatch, QmpError, Session  # noqa: E402


def parse(argv):
    p = argparse.ArgumentParser(
        prog=PROG, description="drgn on the running guest, read through the VMM's socket")
    p.add_argument("--socket", required=True, help="the vmm's control socket")
    p.add_argument("--kernel", default=os.environ.get("MEMVISOR_GUESTMM_ELF"),
                   help="the guest kernel's ELF (with its debug info)")
    p.add_argument("--no-check", action="store_true",
                   help="do not compare the image's text with the guest's")
    p.add_argument("--stats", action="store_true",
                   help="print the QMP reads and time on stderr at the end")
    p.add_argument("-c", dest="command", metavar="CODE", help="run CODE and exit")
    p.add_argument("script", nargs=argparse.REMAINDER, metavar="SCRIPT [ARG ...]",
                   help="run a script and exit")
    args = p.parse_args(argv)
    if args.script[:1] == ["--"]:
        args.script = args.script[1:]
    if not args.kernel:
        die("no guest kernel image known: give --kernel FILE (vmm's guestmm.elf)")
    if args.command and args.script:
        die("give -c CODE or a SCRIPT, not both")
    return args


def session_globals(s):
    from drgn.helpers.linux.list import __all__ as list_all
    import drgn.helpers.linux.list as list_helpers

    g = {"__name__": "__main__", "__doc__": None, "drgn": drgn, "prog": s.prog,
         "session": s}
    for name in ("NULL", "Object", "cast", "container_of", "offsetof",
                 "reinterpret", "sizeof"):
        g[name] = getattr(drgn, name)
    for name in list_all:
        g[name] = getattr(list_helpers, name)
    for name in memvisor_drgn.__all__:
        g[name] = getattr(memvisor_drgn, name)
    return g


class Console(code.InteractiveConsole):
    """drgn's shell; each statement reads the guest afresh."""

    def __init__(self, s, g):
        super().__init__(g)
        self.s = s

    def runcode(self, c):
        self.s.invalidate()
        super().runcode(c)


def interact(s, g):
    try:
        import readline
        from drgn.internal.rlcompleter import Completer
        readline.parse_and_bind("tab: complete")
        readline.set_completer(Completer(g).complete)
    except ImportError:
        pass
    try:
        from drgn.internal.cli import displayhook
        sys.displayhook = displayhook
    except ImportError:
        pass
    banner = (f"drgn {drgn.__version__} on the guest at {s.qmp.path} ({s.kernel})\n"
              ">>> from drgn.helpers.linux.list import *\n"
              ">>> from memvisor_drgn import *\n"
              "prog is the guest; every statement reads it anew.")
    Console(s, g).interact(banner=banner, exitmsg="")


def user_traceback(e):
    """The traceback of @e from the user's code on: not ours, nor runpy's."""
    import traceback

    here = os.path.dirname(os.path.abspath(__file__))
    tb = e.__traceback__
    while tb and tb.tb_next and (tb.tb_frame.f_code.co_filename.startswith(here) or
                                 tb.tb_frame.f_code.co_filename.startswith("<frozen")):
        tb = tb.tb_next
    traceback.print_exception(type(e), e, tb)


def run(args, s):
    g = session_globals(s)
    if args.command:
        exec(compile(args.command, "<-c>", "exec"), g)
    elif args.script:
        sys.argv = args.script
        runpy.run_path(args.script[0], init_globals=g, run_name="__main__")
    else:
        interact(s, g)


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        s = Session(args.socket, args.kernel, check_image=not args.no_check)
    except (ImageMismatch, QmpError, OSError) as e:
        die(str(e))
    memvisor_drgn.session = s
    t = time.perf_counter()
    status = 0
    try:
        run(args, s)
    except SystemExit:
        raise
    except BaseException as e:  # the user's code failed: its traceback only
        user_traceback(e)
        status = 1
    finally:
        if args.stats:
            sys.stdout.flush()
            reads, nbytes, secs = s.counts()
            wall = time.perf_counter() - t
            print(f"{PROG}: {reads} reads ({nbytes // 1024} KiB) over QMP in "
                  f"{secs * 1000:.0f} ms; {wall * 1000:.0f} ms in all", file=sys.stderr)
        s.close()
    sys.exit(status)


if __name__ == "__main__":
    main()
