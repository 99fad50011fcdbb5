"""An event's snapshot, as ops takes it at emission and restores it for the observers."""

from __future__ import annotations

from data_interfaces_wasm import RequirerCommonModel, events


def test_a_restore_in_the_same_process_takes_back_the_model_it_was_taken_from() -> None:
    request = RequirerCommonModel(resource="clientdb", salt="kkkkkkkk")
    snapshot = events._dump_model(request)
    assert events._load_model(snapshot) is request


def test_a_snapshot_from_another_process_is_rebuilt_from_its_record() -> None:
    request = RequirerCommonModel(resource="clientdb", salt="kkkkkkkk")
    snapshot = events._dump_model(request) | {"token": "another-process-0"}
    restored = events._load_model(snapshot)
    assert restored is not request
    assert restored == request


def test_a_snapshot_without_a_token_is_rebuilt_from_its_record() -> None:
    request = RequirerCommonModel(resource="clientdb", salt="kkkkkkkk")
    snapshot = events._dump_model(request)
    del snapshot["token"]
    assert events._load_model(snapshot) == request


def test_two_snapshots_of_one_process_never_share_a_token() -> None:
    request = RequirerCommonModel(resource="clientdb")
    assert events._dump_model(request)["token"] != events._dump_model(request)["token"]
