"""moto_server with three changes: SageMaker resources whose name starts with `running-` stay
running (jobs InProgress, notebook instances InService); training jobs whose name starts with
`bulk-` were created a day ago; and ListTrainingJobs applies CreationTimeAfter before it pages,
as SageMaker does. moto completes every job the moment it is created, dates it now, and filters
after paging (so it answers empty pages up to the first match), so without this no test
against it could see a job that can be stopped, an account whose jobs predate a sweep, or the
number of List calls a sweep makes against AWS. Everything else is moto as it is; the arguments
are moto_server's.

    moto_running.py -H 127.0.0.1 -p PORT
"""
import copy
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


def filter_before_paging():
    listed = models.SageMakerModelBackend.list_training_jobs

    def list_training_jobs(self, next_token, max_results, creation_time_after, *args, **kwargs):
        if creation_time_after is None:
            return listed(self, next_token, max_results, creation_time_after, *args, **kwargs)
        # A shallow copy holding only the matching jobs: the real backend is left alone, so
        # concurrent calls never see a filtered store.
        view = copy.copy(self)
        view.training_jobs = {name: job for name, job in self.training_jobs.items()
                              if job.creation_time > creation_time_after}
        return listed(view, next_token, max_results, None, *args, **kwargs)

    models.SageMakerModelBackend.list_training_jobs = list_training_jobs


for row in RUNNING:
    keep_running(*row)
backdate_bulk_jobs()
filter_before_paging()

if __name__ == "__main__":
    main(sys.argv[1:])
