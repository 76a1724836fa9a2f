import pytest
from django.utils.translation import trans_real
import tests.test_i18n as t

def test_pw_fails_without_project_catalogue(settings):
    settings.LOCALE_PATHS = []
    trans_real._translations = {}
    trans_real._active = __import__("asgiref.local").local.Local()
    try:
        with pytest.raises(AssertionError) as e:
            t.test_password_validation_messages_are_chinese()
        print(e.value)
    finally:
        trans_real._translations = {}
