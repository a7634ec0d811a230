"""deploy/env.example lists every setting cowork/config/settings.py reads, each with a reason."""

from tests.deploy.envfile import documented_names, environment, names_read_by_settings


def test_every_environment_variable_settings_read_is_in_env_example():
    missing = names_read_by_settings() - documented_names().keys()
    assert not missing, f"add to deploy/env.example, with a line on why: {sorted(missing)}"


def test_every_variable_in_env_example_has_an_explanation():
    unexplained = [name for name, why in documented_names().items() if not why]
    assert not unexplained, unexplained


def test_env_example_names_nothing_settings_do_not_read():
    assert documented_names().keys() <= names_read_by_settings()


def test_the_reader_finds_each_way_settings_read_the_environment():
    source = (
        'A = env.str("A_STR", default="")\nB = env("B_CALL")\nC = env.db_url("C_URL")\n'
        'D = os.environ.get("D_OS")\nE = env.bool("E_BOOL")\nF = other.str("NOT_ENV")\n'
    )
    assert names_read_by_settings(source) == {"A_STR", "B_CALL", "C_URL", "D_OS", "E_BOOL"}


def test_env_example_leaves_the_secret_key_empty_so_a_copy_cannot_start_with_it():
    assert environment()["SECRET_KEY"] == ""
