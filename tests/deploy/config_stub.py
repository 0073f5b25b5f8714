"""A stand-in for the AWS Config calls moto 5.2.5 does not implement (conformance packs,
organization conformance pack status, compliance queries): records each request (its
X-Amz-Target and JSON body) to a JSON-lines file and answers with the smallest valid response,
so tests/deploy/walkthrough.sh can run the README's commands unchanged and assert the requests
they sent. It judges nothing: its answers are placeholders, never compliance results.

    config_stub.py PORT RECORD_FILE
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PACK_ARN = "arn:aws:config:us-east-1:123456789012:conformance-pack/sagerules/conformance-pack-stub"
ANSWERS = {
    "PutConformancePack": {"ConformancePackArn": PACK_ARN},
    "DescribeConformancePackCompliance": {"ConformancePackName": "sagerules", "ConformancePackRuleComplianceList": []},
    "DeleteConformancePack": {},
    "DescribeComplianceByConfigRule": {"ComplianceByConfigRules": []},
    "GetOrganizationConformancePackDetailedStatus": {"OrganizationConformancePackDetailedStatuses": []},
}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8") or "{}"
        operation = self.headers.get("X-Amz-Target", "").split(".")[-1]
        with open(self.server.record, "a", encoding="utf-8") as out:
            out.write(json.dumps({"operation": operation, "request": json.loads(body)}) + "\n")
        if operation in ANSWERS:
            self.reply(200, ANSWERS[operation])
        else:
            self.reply(400, {"__type": "UnknownOperationException", "message": f"the stub does not serve {operation}"})

    def reply(self, status, payload):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.record = sys.argv[2]
    server.serve_forever()


if __name__ == "__main__":
    main()
