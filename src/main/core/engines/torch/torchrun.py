"""torchrun (torch.distributed.run), with one repair, so one command works on every torch.

torch 1.13's Std.from_str finds Std.NONE by iterating the Flag enum, and Python 3.11's Flag
iteration skips the zero member: every torchrun run then fails at start ("'NoneType' object
has no attribute 'get'", Debian 12's python3-torch). A single digit is looked up by value here.
"""

import re
import sys

from torch.distributed.elastic.multiprocessing import api
from torch.distributed.run import main

_from_str = api.Std.from_str


def _from_str_by_value(vm):
    if re.match(r"^[0123]$", vm):
        return api.Std(int(vm))
    return _from_str(vm)


api.Std.from_str = staticmethod(_from_str_by_value)

if __name__ == "__main__":
    sys.exit(main())
