import pytest

from tests.curation.project import Project, make_project


@pytest.fixture
def project(tmp_path) -> Project:
    return make_project(tmp_path)
