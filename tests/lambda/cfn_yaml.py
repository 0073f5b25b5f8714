"""CloudFormation YAML for the test scripts: short-form tags read as their long forms
(`!Ref X` → {"Ref": "X"}, `!GetAtt A.B` → {"Fn::GetAtt": "A.B"}, `!Sub s` → {"Fn::Sub": s},
`!Condition C` → {"Condition": "C"}), so a template reads the same in either form.

    cfn_yaml.load(path) / cfn_yaml.loads(text)
"""
import yaml


class Loader(yaml.SafeLoader):
    pass


def _long_form(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    key = suffix if suffix in ("Ref", "Condition") else "Fn::" + suffix
    return {key: value}


Loader.add_multi_constructor("!", _long_form)


def loads(text):
    return yaml.load(text, Loader=Loader)


def load(path):
    with open(path, encoding="utf-8") as f:
        return loads(f.read())
