#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# uapi-diff.py GENERATED UAPI: do two uapi headers define the same things?
# GENERATED is what ynl-gen-c.py --mode uapi --header made of
# uapi/meshredir.yaml, UAPI is uapi/linux/meshredir.h. Every enumerator
# and every object-like macro of either must be in the other, in the enum
# of the same name, with the same value, as the C compiler evaluates both
# headers (so "(__X_MAX - 1)" counts, not how it is spelled). A macro in one
# may be an enumerator in the other: YNL writes some *_MAX that way.
#
# YNL gives each nest one attribute set, so the spec describes the lists of
# meshredir_list_attr and the ranges of meshredir_range_attr once per kind
# of entry; ALIASES names those extra enums and the enum each repeats, which
# it must do member for member. Prints "ok"/"not ok" lines and "# " details;
# exits 1 on any difference.

import os
import re
import subprocess
import sys
import tempfile

ALIASES = {
    'meshredir_port_list_attr': 'meshredir_list_attr',
    'meshredir_cidr_list_attr': 'meshredir_list_attr',
    'meshredir_uid_ports_list_attr': 'meshredir_list_attr',
    'meshredir_vnet_list_attr': 'meshredir_list_attr',
    'meshredir_port_range_attr': 'meshredir_range_attr',
}


def prefix(tag):
    """meshredir_port_list_attr -> MESHREDIR_PORT_LIST_A_"""
    return re.sub(r'_attr$', '', tag).upper() + '_A_'


def parse(path):
    """Returns ({enumerator: enum tag}, set of macros with a value)."""
    with open(path) as f:
        text = f.read()
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    enums = {}
    for m in re.finditer(r'\benum\s+(\w+)?\s*\{(.*?)\}\s*;', text, flags=re.S):
        tag = m.group(1) or '(anonymous)'
        for item in m.group(2).split(','):
            name = item.split('=')[0].strip()
            if name:
                enums[name] = tag
    macros = set()
    for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+(\w+)(?!\()[ \t]*(.*)$', text, flags=re.M):
        if m.group(2).strip():
            macros.add(m.group(1))
    return enums, macros


def values(header, names):
    """{name: value} as the C compiler sees them through header."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'values.c')
        exe = os.path.join(tmp, 'values')
        with open(src, 'w') as f:
            f.write('#include <stdio.h>\n#include "%s"\n' % os.path.abspath(header))
            f.write('static void s(const char *n, const char *v) { printf("%s \\"%s\\"\\n", n, v); }\n')
            f.write('static void i(const char *n, long long v) { printf("%s %lld\\n", n, v); }\n')
            f.write('int main(void)\n{\n')
            for n in sorted(names):
                f.write('\t_Generic((%s), char *: s, const char *: s, default: i)("%s", %s);\n'
                        % (n, n, n))
            f.write('\treturn 0;\n}\n')
        cc = os.environ.get('CC', 'cc')
        r = subprocess.run([cc, '-std=gnu11', '-Wall', '-Werror', '-o', exe, src],
                           capture_output=True, text=True)
        if r.returncode:
            sys.stdout.write(''.join('# ' + line + '\n' for line in r.stderr.splitlines()))
            raise SystemExit(f'not ok - {header} does not compile with its names')
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    return dict(line.split(' ', 1) for line in out.splitlines())


def main():
    if len(sys.argv) != 3:
        raise SystemExit('usage: uapi-diff.py GENERATED UAPI')
    gen_h, uapi_h = sys.argv[1:]
    gen_enums, gen_macros = parse(gen_h)
    uapi_enums, uapi_macros = parse(uapi_h)
    gen_names = set(gen_enums) | gen_macros
    uapi_names = set(uapi_enums) | uapi_macros
    failed = 0

    def verdict(good, what, details):
        nonlocal failed
        print(('ok - ' if good else 'not ok - ') + what)
        for d in details:
            print('#   ' + d)
        failed += not good

    # Generated name -> the uapi name it stands for.
    canon = {}
    for n in gen_names:
        canon[n] = n
        for alias, real in ALIASES.items():
            stem = n.lstrip('_')
            if stem.startswith(prefix(alias)):
                canon[n] = n[:len(n) - len(stem)] + prefix(real) + stem[len(prefix(alias)):]
    gen_vals = values(gen_h, gen_names)
    uapi_vals = values(uapi_h, uapi_names)

    missing = sorted(uapi_names - set(canon.values()))
    extra = sorted(n for n in gen_names if canon[n] not in uapi_names)
    verdict(not missing, f'every name of {uapi_h} is in the spec ({len(uapi_names)} names)',
            [f'{n} = {uapi_vals[n]} is not in the spec' for n in missing])
    verdict(not extra, 'every name of the spec is in the uapi header',
            [f'{n} = {gen_vals[n]} is not in the uapi header'
             + (f' (as {canon[n]})' if canon[n] != n else '') for n in extra])

    wrong_tag = []
    for n in sorted(gen_enums):
        c = canon[n]
        tag = ALIASES.get(gen_enums[n], gen_enums[n])
        if c in uapi_enums and uapi_enums[c] != tag:
            wrong_tag.append(f'{n} is in enum {gen_enums[n]} in the spec, '
                             f'enum {uapi_enums[c]} in the uapi header')
    for alias, real in ALIASES.items():
        have = sorted(canon[n] for n, t in gen_enums.items() if t == alias)
        want = sorted(n for n, t in uapi_enums.items() if t == real)
        if have != want:
            wrong_tag.append(f'enum {alias} is not enum {real} member for member: '
                             f'{have} vs {want}')
    verdict(not wrong_tag, 'every enumerator is in the same enum', wrong_tag)

    differ = [f'{n}: spec {gen_vals[n]}, uapi header {uapi_vals[canon[n]]}'
              + (f' (as {canon[n]})' if canon[n] != n else '')
              for n in sorted(gen_names) if canon[n] in uapi_vals
              and gen_vals[n] != uapi_vals[canon[n]]]
    same = sum(1 for n in gen_names if canon[n] in uapi_vals)
    verdict(not differ, f'every value agrees ({same} names compared)', differ)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
