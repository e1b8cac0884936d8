"""moto's server, plus the one SageMaker operation Baton needs that moto 5.2.5 lacks: UpdateEndpoint.

Baton's SageMaker adapter moves an endpoint to a new endpoint configuration (a challenger variant
joins, or the champion is left alone at the end of a rollout) with UpdateEndpoint. Everything else
is moto itself: this file adds `update_endpoint` to moto's SageMaker backend and response classes,
built on moto's own endpoint model, then runs moto's server main with the same arguments.

    <venv>/bin/python local/motoServer.py -H 127.0.0.1 -p 5090

Like moto's other SageMaker operations, the update completes at once (the endpoint is InService
again when the call returns); AWS takes minutes and reports `Updating` meanwhile. Not modelled:
RetainAllVariantProperties, ExcludeRetainedVariantProperties, DeploymentConfig.
"""

import sys

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ValidationError
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

if __name__ == "__main__":
    main(sys.argv[1:])
