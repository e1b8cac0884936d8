"""moto's server, plus the one SageMaker operation Baton needs that moto 5.2.5 lacks: UpdateEndpoint,
and AWS's costs for the DynamoDB and SQS calls whose cost in moto grows with the whole table or queue.

Baton's SageMaker adapter moves an endpoint to a new endpoint configuration (a challenger variant
joins, or the champion is left alone at the end of a rollout) with UpdateEndpoint. Everything else
is moto itself: this file adds `update_endpoint` to moto's SageMaker backend and response classes,
built on moto's own endpoint model, then runs moto's server main with the same arguments.

    <venv>/bin/python local/motoServer.py -H 127.0.0.1 -p 5090

Like moto's other SageMaker operations, the update completes at once (the endpoint is InService
again when the call returns); AWS takes minutes and reports `Updating` meanwhile. Not modelled:
RetainAllVariantProperties, ExcludeRetainedVariantProperties, DeploymentConfig.

DynamoDB answers a Query from one partition and writes a transaction's items alone; moto 5.2.5
sorts every item of the table for each Query on the table's own key (`Table.all_items`), and
deep-copies the whole table once per item of every TransactWriteItems call, to roll back if one
fails. With thousands of items both cost tens to hundreds of milliseconds a call, so every
figure measured against the emulator (a dashboard page, a burst of versions) was mostly the
emulator's, growing with everything else in the table. Here a Query on the table's key reads its
partition only (then moto's own code sorts, pages and filters it as before), and a transaction's
backup copies the partitions' item maps and deep-copies only the items the transaction names: what
a rollback restores is the same. Index queries, scans and everything else are moto's unchanged.

SQS: moto reads one queue attribute by building all of them, and three of them (the approximate
message counts) walk every message in the queue; a ReceiveMessage does that for each message it
looks at (the retention period), and a FIFO SendMessage three times (content-based deduplication).
At a thousand queued messages a receive took seconds. Here those reads take the one attribute from
the queue itself, the value moto's attribute map holds for it.
"""

import copy
import sys
import threading
from collections import defaultdict
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.core.responses import ActionResult
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.core.utils import unix_time, utcnow
from moto.sagemaker.exceptions import ValidationError
from moto.sqs.models import Queue, SQSBackend
from moto.sagemaker.models import FakeEndpoint, FakeEndpointConfig, SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.server import main


def update_endpoint(self: SageMakerModelBackend, endpoint_name: str, endpoint_config_name: str) -> str:
    """Points the endpoint at another endpoint config and serves its variants at their initial weights."""
    endpoint = self.endpoints.get(endpoint_name)
    if endpoint is None:
        arn = FakeEndpoint.arn_formatter(endpoint_name, self.account_id, self.region_name)
        raise ValidationError(message=f'Could not find endpoint "{arn}".')
    config = self.endpoint_configs.get(endpoint_config_name)
    if config is None:
        arn = FakeEndpointConfig.arn_formatter(endpoint_config_name, self.account_id, self.region_name)
        raise ValidationError(message=f'Could not find endpoint configuration "{arn}".')
    variants = endpoint._process_production_variants(config.production_variants)
    for variant, configured in zip(variants, config.production_variants):
        # FakeEndpoint drops a weight of 0 (it tests truthiness); AWS reports it, and it matters
        # here: a challenger joins an endpoint at weight 0. AWS's default weight is 1.0.
        weight = float(configured.get("InitialVariantWeight", 1.0))
        variant["CurrentWeight"] = variant["DesiredWeight"] = weight
    endpoint.endpoint_config_name = endpoint_config_name
    endpoint.production_variants = variants
    endpoint.last_modified_time = utcnow()
    endpoint.endpoint_status = "InService"
    return endpoint.arn


def update_endpoint_response(self: SageMakerResponse) -> ActionResult:
    arn = self.sagemaker_backend.update_endpoint(
        endpoint_name=self._get_param("EndpointName"),
        endpoint_config_name=self._get_param("EndpointConfigName"),
    )
    return ActionResult({"EndpointArn": arn})


SageMakerModelBackend.update_endpoint = update_endpoint
# moto dispatches an X-Amz-Target of `SageMaker.UpdateEndpoint` to the method `update_endpoint`.
SageMakerResponse.update_endpoint = update_endpoint_response

_current = threading.local()
_all_items = Table.all_items
_query = Table.query
_transact_write_items = DynamoDBBackend.transact_write_items


def all_items(self: Table) -> list[Any]:
    """moto's candidates for a Query: during a Query on this table's own key, its partition only."""
    partition = getattr(_current, "partition", None)
    if partition is None or partition[0] is not self:
        return _all_items(self)
    found = self.items.get(partition[1])
    return list(found.values()) if isinstance(found, dict) else []


def query(self: Table, hash_key: DynamoType | None, *args: Any, **kwargs: Any) -> Any:
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    if index_name or hash_key is None or not self.range_key_attr:
        return _query(self, hash_key, *args, **kwargs)
    _current.partition = (self, hash_key)
    try:
        return _query(self, hash_key, *args, **kwargs)
    finally:
        _current.partition = None


def _backup(table: Table, keys: list[tuple[DynamoType, DynamoType | None]]) -> Table:
    """What moto restores when a transaction fails: the table with its item maps as they are now."""
    backup = copy.copy(table)
    backup.items = defaultdict(dict)
    for hash_value, found in table.items.items():
        backup.items[hash_value] = dict(found) if isinstance(found, dict) else found
    # An Update changes an item in place: the items the transaction names are copied whole.
    for hash_value, range_value in keys:
        found = backup.items.get(hash_value)
        if isinstance(found, dict) and range_value in found:
            found[range_value] = copy.deepcopy(found[range_value])
        elif found is not None and not isinstance(found, dict):
            backup.items[hash_value] = copy.deepcopy(found)
    return backup


class _TransactionBackups:
    """moto's `copy` module inside moto.dynamodb.models: a table backed up for a transaction is `_backup`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        keys = getattr(_current, "transaction", None)
        if keys is None or not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        return _backup(value, keys.get(value.name, []))


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    keys: dict[str, list[tuple[DynamoType, DynamoType | None]]] = {}
    for item in transact_items:
        op_type, op = next(iter(item.items()))
        table = self.tables.get(op.get("TableName"))
        if table is None:
            continue
        attrs = op["Item"] if op_type == "Put" else op.get("Key", {})
        if table.hash_key_attr not in attrs:
            continue
        range_attr = table.range_key_attr
        keys.setdefault(table.name, []).append(
            (
                DynamoType(attrs[table.hash_key_attr]),
                DynamoType(attrs[range_attr]) if range_attr and range_attr in attrs else None,
            )
        )
    _current.transaction = keys
    try:
        return _transact_write_items(self, transact_items)
    finally:
        _current.transaction = None


def is_message_valid_based_on_retention_period(self: SQSBackend, queue_name: str, message: Any) -> bool:
    """moto's check, with the retention period read from the queue, not from every attribute."""
    retention_period = self.get_queue(queue_name).message_retention_period
    return retention_period + message.sent_timestamp / 1000 > unix_time()


_queue_attributes = Queue.attributes.fget


def queue_attributes(self: Queue) -> dict[str, Any]:
    """All attributes; while a message is sent, only the one moto reads then (content-based deduplication)."""
    if not getattr(_current, "sending", False):
        return _queue_attributes(self)
    if not self.fifo_queue:
        return {}
    return {"ContentBasedDeduplication": str(self.content_based_deduplication).lower()}


def _sending(method: Any) -> Any:
    def sending(*args: Any, **kwargs: Any) -> Any:
        _current.sending = True
        try:
            return method(*args, **kwargs)
        finally:
            _current.sending = False

    return sending


SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period
Queue.attributes = property(queue_attributes)
# These read `attributes` for content-based deduplication only.
SQSBackend._validate_message = _sending(SQSBackend._validate_message)
Queue.add_message = _sending(Queue.add_message)
Table.all_items = all_items
Table.query = query
DynamoDBBackend.transact_write_items = transact_write_items
dynamodb_models.copy = _TransactionBackups()

if __name__ == "__main__":
    main(sys.argv[1:])
