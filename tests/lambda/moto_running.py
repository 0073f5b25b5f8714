"""moto_server with one change: SageMaker resources whose name starts with `running-` stay
running (jobs InProgress, notebook instances InService). moto completes every job the moment it
is created, so without this no test against it could see a job that can be stopped. Everything
else is moto as it is; the arguments are moto_server's.

    moto_running.py -H 127.0.0.1 -p PORT
"""
import sys

from moto.sagemaker import models
from moto.server import main

RUNNING = [
    (models.FakeTrainingJob, "training_job_name", "training_job_status", "InProgress"),
    (models.FakeProcessingJob, "processing_job_name", "processing_job_status", "InProgress"),
    (models.FakeTransformJob, "transform_job_name", "transform_job_status", "InProgress"),
    (models.HyperParameterTuningJob, "hyper_parameter_tuning_job_name", "hyper_parameter_tuning_job_status", "InProgress"),
    (models.FakeSagemakerNotebookInstance, "notebook_instance_name", "status", "InService"),
]


def keep_running(cls, name_attr, status_attr, status):
    created = cls.__init__

    def init(self, *args, **kwargs):
        created(self, *args, **kwargs)
        if getattr(self, name_attr, "").startswith("running-"):
            setattr(self, status_attr, status)

    cls.__init__ = init


for row in RUNNING:
    keep_running(*row)

if __name__ == "__main__":
    main(sys.argv[1:])
