"""moto_server with two changes: SageMaker resources whose name starts with `running-` stay
running (jobs InProgress, notebook instances InService), and training jobs whose name starts
with `bulk-` were created a day ago. moto completes every job the moment it is created and
dates it now, so without this no test against it could see a job that can be stopped, nor an
account whose jobs predate a sweep. Everything else is moto as it is; the arguments are
moto_server's.

    moto_running.py -H 127.0.0.1 -p PORT
"""
import datetime
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


def backdate_bulk_jobs():
    created = models.FakeTrainingJob.__init__

    def init(self, *args, **kwargs):
        created(self, *args, **kwargs)
        if self.training_job_name.startswith("bulk-"):
            self.creation_time = self.creation_time - datetime.timedelta(days=1)

    models.FakeTrainingJob.__init__ = init


for row in RUNNING:
    keep_running(*row)
backdate_bulk_jobs()

if __name__ == "__main__":
    main(sys.argv[1:])
