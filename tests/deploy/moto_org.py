"""moto_server with one change: CloudFormation StackSets (`member.org.stacksets.cloudformation.
amazonaws.com`) may have a delegated administrator, as in AWS Organizations (the StackSets user
guide registers one with `aws organizations register-delegated-administrator`); moto 5.2.5's
list of such services lacks it. Everything else is moto as it is; the arguments are
moto_server's.

    moto_org.py -H 127.0.0.1 -p PORT
"""
import sys

from moto.organizations.models import FakeDelegatedAdministrator
from moto.server import main

STACKSETS = "member.org.stacksets.cloudformation.amazonaws.com"
if STACKSETS not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
    FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(STACKSETS)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
