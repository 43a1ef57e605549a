import pytest

from registry.config import ConfigError, load_settings


def test_defaults_give_a_local_sqlite_registry(tmp_path):
    s = load_settings({"REGISTRY_DATA_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    assert s.base_url == "http://localhost:8000"
    assert (tmp_path / "secret_key").exists()
    assert load_settings({"REGISTRY_DATA_DIR": str(tmp_path)}).secret_key == s.secret_key


def test_port_feeds_the_default_base_url(tmp_path):
    s = load_settings({"REGISTRY_DATA_DIR": str(tmp_path), "PORT": "9001"})
    assert s.base_url == "http://localhost:9001"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"REGISTRY_DATABSE_URL": "sqlite://"}, "REGISTRY_DATABSE_URL"),
        ({"REGISTRY_DATABASE_URL": "mysql://x"}, "REGISTRY_DATABASE_URL"),
        ({"REGISTRY_BASE_URL": "registry.example.cn"}, "REGISTRY_BASE_URL"),
        ({"REGISTRY_BASE_URL": "https://registry.example.cn/path"}, "REGISTRY_BASE_URL"),
        ({"REGISTRY_REDIS_URL": "localhost:6379"}, "REGISTRY_REDIS_URL"),
        ({"PORT": "eighty"}, "PORT"),
        ({"REGISTRY_MAX_CONTENT_LENGTH": "-5"}, "REGISTRY_MAX_CONTENT_LENGTH"),
    ],
)
def test_a_bad_or_unknown_variable_stops_start_up_naming_it(tmp_path, env, named):
    with pytest.raises(ConfigError, match=named):
        load_settings({"REGISTRY_DATA_DIR": str(tmp_path), **env})


def test_the_app_refuses_to_start_with_a_typo(tmp_path, monkeypatch):
    from registry import create_app

    monkeypatch.setenv("REGISTRY_KEYSDIR", "x")
    with pytest.raises(ConfigError, match="REGISTRY_KEYSDIR"):
        create_app({"data_dir": tmp_path})


def test_rate_limits_can_be_tuned_or_switched_off(tmp_path):
    s = load_settings({"REGISTRY_DATA_DIR": str(tmp_path), "REGISTRY_RATE_LIMITS": "verify=5000 per minute"})
    assert s.rate_limits_enabled and dict(s.rate_limits) == {"verify": "5000 per minute"}
    assert not load_settings({"REGISTRY_DATA_DIR": str(tmp_path), "REGISTRY_RATE_LIMITS": "off"}).rate_limits_enabled
    with pytest.raises(ConfigError, match="REGISTRY_RATE_LIMITS"):
        load_settings({"REGISTRY_DATA_DIR": str(tmp_path), "REGISTRY_RATE_LIMITS": "search=1 per second"})


def test_the_operator_is_configured_and_checked(tmp_path):
    s = load_settings(
        {
            "REGISTRY_DATA_DIR": str(tmp_path),
            "REGISTRY_OPERATOR_NAME_ZH": "某市市场监管局",
            "REGISTRY_OPERATOR_NAME_EN": "City Market Regulator",
            "REGISTRY_OPERATOR_CONTACT": "https://scr.example.gov.cn/contact",
            "REGISTRY_ICP": "京ICP备12345678号-1",
        }
    )
    assert (s.operator_name_zh, s.operator_contact, s.icp) == (
        "某市市场监管局",
        "https://scr.example.gov.cn/contact",
        "京ICP备12345678号-1",
    )
    defaults = load_settings({"REGISTRY_DATA_DIR": str(tmp_path)})
    assert "demo" in defaults.operator_name_zh and "demo" in defaults.icp and "demo" in defaults.operator_contact
    for key, value in (
        ("REGISTRY_OPERATOR_CONTACT", "ring us"),
        ("REGISTRY_ICP", "12345678"),
        ("REGISTRY_OPERATOR_NAME_EN", "x" * 151),
    ):
        with pytest.raises(ConfigError, match=key):
            load_settings({"REGISTRY_DATA_DIR": str(tmp_path), key: value})
