"""Reading Africa's Talking's answer to a bulk send."""

import json

from app.sms.gateway import parse_at_response

# Shape from Africa's Talking SMS API, "Sending" (response).
RESPONSE = {
    "SMSMessageData": {
        "Message": "Sent to 2/3 Total Cost: KES 1.6000",
        "Recipients": [
            {
                "statusCode": 101,
                "number": "+254711000801",
                "status": "Success",
                "cost": "KES 0.8000",
                "messageId": "ATXid_1",
            },
            {
                "statusCode": 102,
                "number": "+254711000802",
                "status": "Queued",
                "cost": "KES 0.8000",
                "messageId": "ATXid_2",
            },
            {
                "statusCode": 406,
                "number": "+254711000803",
                "status": "UserInBlacklist",
                "cost": "0",
                "messageId": "None",
            },
            {
                "statusCode": 500,
                "number": "+254711000804",
                "status": "InternalServerError",
                "cost": "0",
                "messageId": "None",
            },
        ],
    }
}


def test_accepted_refused_and_retryable_recipients():
    results = {result.msisdn: result for result in parse_at_response(RESPONSE)}
    assert results["+254711000801"].accepted and results["+254711000801"].gateway_id == "ATXid_1"
    assert results["+254711000802"].accepted
    refused = results["+254711000803"]
    assert (refused.accepted, refused.retryable, refused.gateway_id) == (False, False, None)
    assert refused.reason == "UserInBlacklist"
    assert results["+254711000804"].retryable


def test_the_answer_as_text_is_read_too():
    assert len(parse_at_response(json.dumps(RESPONSE))) == 4
