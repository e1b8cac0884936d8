"""The same DynamoDB calls against moto in process, printed as JSON: with `--patched`, after
loading local/motoServer.py (its Query and TransactWriteItems changes). The test compares the
two outputs: the answers must be the same, only faster.

    <venv>/bin/python test/support/motoEquivalence.py [--patched]
"""

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

if "--patched" in sys.argv:
    path = Path(__file__).resolve().parents[2] / "local" / "motoServer.py"
    spec = importlib.util.spec_from_file_location("motoServer", path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))  # type: ignore[union-attr]

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

S = lambda value: {"S": value}  # noqa: E731
answers: list = []


def keep(name: str, reply: dict) -> None:
    reply.pop("ResponseMetadata", None)
    answers.append([name, reply])


def cancelled(name: str, items: list) -> None:
    try:
        db.transact_write_items(TransactItems=items)
        answers.append([name, "committed"])
    except db.exceptions.TransactionCanceledException as error:
        answers.append([name, [r["Code"] for r in error.response["CancellationReasons"]]])


with mock_aws():
    db = boto3.client("dynamodb", region_name="us-east-1")
    db.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "due", "AttributeType": "S"},
            {"AttributeName": "at", "AttributeType": "N"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "Due",
                "KeySchema": [{"AttributeName": "due", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    db.create_table(
        TableName="flat",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for p in range(12):
        for s in range(30):
            item = {"pk": S(f"P{p:02d}"), "sk": S(f"V#{s:04d}"), "n": {"N": str(s)}}
            if s % 7 == 0:
                item.update(due=S("due"), at={"N": str(p * 100 + s)})
            db.put_item(TableName="t", Item=item)
        db.put_item(TableName="flat", Item={"id": S(f"F{p}"), "n": {"N": str(p)}})

    query = {"TableName": "t", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": S("P03")}}
    first = db.query(**query, ScanIndexForward=False, Limit=4)
    keep("newest page", first)
    keep("next page", db.query(**query, ScanIndexForward=False, Limit=4, ExclusiveStartKey=first["LastEvaluatedKey"]))
    keep("oldest first", db.query(**query, Limit=3))
    keep(
        "range and filter",
        db.query(
            TableName="t",
            KeyConditionExpression="pk = :p AND begins_with(sk, :v)",
            FilterExpression="n > :n",
            ExpressionAttributeValues={":p": S("P05"), ":v": S("V#00"), ":n": {"N": "20"}},
            ProjectionExpression="sk",
        ),
    )
    keep("between", db.query(
        TableName="t",
        KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues={":p": S("P11"), ":a": S("V#0010"), ":b": S("V#0013")},
    ))
    keep("empty partition", db.query(**{**query, "ExpressionAttributeValues": {":p": S("none")}}))
    keep("index", db.query(
        TableName="t", IndexName="Due", KeyConditionExpression="due = :d", ExpressionAttributeValues={":d": S("due")}, Limit=5
    ))
    keep("flat table", db.query(TableName="flat", KeyConditionExpression="id = :i", ExpressionAttributeValues={":i": S("F4")}))

    # A failing transaction leaves nothing: an update in place, a new item, a delete, then a false condition.
    cancelled(
        "cancelled",
        [
            {"Update": {"TableName": "t", "Key": {"pk": S("P01"), "sk": S("V#0001")},
                        "UpdateExpression": "SET n = :v", "ExpressionAttributeValues": {":v": {"N": "999"}}}},
            {"Put": {"TableName": "t", "Item": {"pk": S("P01"), "sk": S("V#new")}}},
            {"Delete": {"TableName": "t", "Key": {"pk": S("P02"), "sk": S("V#0002")}}},
            {"Put": {"TableName": "flat", "Item": {"id": S("F9"), "n": {"N": "-1"}}}},
            {"Put": {"TableName": "t", "Item": {"pk": S("P01"), "sk": S("V#0002")},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
        ],
    )
    cancelled(
        "committed",
        [
            {"Put": {"TableName": "t", "Item": {"pk": S("P04"), "sk": S("V#new")}, "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": {"TableName": "t", "Key": {"pk": S("P04"), "sk": S("V#0003")},
                        "UpdateExpression": "SET n = :v", "ExpressionAttributeValues": {":v": {"N": "5"}}}},
            {"Delete": {"TableName": "flat", "Key": {"id": S("F3")}}},
        ],
    )
    keep("every item after", db.scan(TableName="t"))
    keep("flat after", db.scan(TableName="flat"))

    # SQS: FIFO queues with and without content-based deduplication, and a standard queue.
    sqs = boto3.client("sqs", region_name="us-east-1")
    fifo = sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true", "MessageRetentionPeriod": "600"})["QueueUrl"]
    by_body = sqs.create_queue(
        QueueName="c.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    plain = sqs.create_queue(QueueName="plain")["QueueUrl"]

    def attempt(name: str, **send: Any) -> None:
        try:
            sqs.send_message(**send)
            answers.append([name, "sent"])
        except sqs.exceptions.ClientError as error:
            answers.append([name, error.response["Error"]["Code"]])

    for i in range(40):
        attempt(f"fifo {i}", QueueUrl=fifo, MessageBody=f"m{i % 30}", MessageGroupId=f"g{i % 3}",
                MessageDeduplicationId=f"d{i % 30}")
        attempt(f"by body {i}", QueueUrl=by_body, MessageBody=f"b{i % 25}", MessageGroupId="g")
        attempt(f"plain {i}", QueueUrl=plain, MessageBody=f"p{i}")
    attempt("no group", QueueUrl=fifo, MessageBody="x", MessageDeduplicationId="x")
    attempt("no dedup id", QueueUrl=fifo, MessageBody="x", MessageGroupId="g0")
    attempt("delay on fifo", QueueUrl=fifo, MessageBody="x", MessageGroupId="g0", MessageDeduplicationId="y", DelaySeconds=5)
    counts = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ContentBasedDeduplication"]
    for url in (fifo, by_body, plain):
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["MessageGroupId"])
        bodies = [m["Body"] for m in received.get("Messages", [])]
        answers.append([f"received {url[-6:]}", sorted(bodies) if url == plain else bodies])
        answers.append([f"counts {url[-6:]}", sqs.get_queue_attributes(QueueUrl=url, AttributeNames=counts)["Attributes"]])

from moto.dynamodb.models.table import Table  # noqa: E402

# Which code answered: moto's own module, or local/motoServer.py's.
print(json.dumps({"answers": answers, "query": Table.query.__module__}, sort_keys=True))
