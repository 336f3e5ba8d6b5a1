"""One-line errors for the command-line tools (``--debug`` shows the traceback)."""
import re
import sys
from typing import Callable

#: mmengine prefixes an error raised while building a component with the class and
#: its file, once per nesting level
_BUILD_PREFIX = re.compile(r'^(?:class `[\w.]+` in [^:]+: )+')


def one_line(err: BaseException) -> str:
    """``Type: message`` on one line, without mmengine's build prefixes."""
    message = err.args[0] if isinstance(err, KeyError) and err.args else str(err)
    message = _BUILD_PREFIX.sub('', str(message).strip())
    message = message.splitlines()[0] if message else ''
    return f'{type(err).__name__}: {message}'


def run_main(main: Callable[[], object], debug: bool) -> None:
    """Run a tool's ``main``; any error ends it with one line on stderr and exit
    code 1, or with the full traceback under ``debug``."""
    try:
        main()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as err:  # noqa: BLE001  (reported, not swallowed)
        if debug:
            raise
        print(one_line(err) + '  (--debug shows the traceback)', file=sys.stderr)
        raise SystemExit(1) from None
