"""Validates gateway callback bodies against ABDM's published generated models.

Reads JSON lines {"case": str, "model": str, "body": object} on stdin. The model is
a class of the `abdm` package (what the gateway posts to a HIP/HIU), or of
`abdm_gateway` when written `abdm_gateway:Class` (the gateway's own API); its own
`from_dict` runs pydantic with the spec's rules: required fields, enums (the
callback error codes 1000 and 10001, genders, auth modes), types. Prints one line
per case and exits 1 if any body is refused, naming the field and the rule, never
the value.
"""

import importlib
import json
import re
import sys

from pydantic import ValidationError


def model_class(name):
    package, _, name = name.rpartition(":")
    module = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return getattr(importlib.import_module(f"{package or 'abdm'}.models.{module}"), name)


failed = 0
for line in sys.stdin:
    record = json.loads(line)
    try:
        model_class(record["model"]).from_dict(record["body"])
        print(f"ok      {record['model']:<28} {record['case']}")
    except ValidationError as err:
        failed += 1
        for problem in err.errors():
            where = ".".join(str(part) for part in problem["loc"])
            print(f"REFUSED {record['model']:<28} {record['case']}: {where}: {problem['msg']}")
sys.exit(1 if failed else 0)
