/** ApiVersions: the versions Rivulet implements, exactly as the registry lists them. */
import type { HandlerContext } from "../handler-context.ts";
import { supportedApiVersions } from "../protocol/apis.ts";
import type { ApiVersionsRequest, ApiVersionsResponse } from "../protocol/api-versions/types.ts";

const advertised = supportedApiVersions();

export function apiVersionsResponse(errorCode: number): ApiVersionsResponse {
  return { errorCode, apiKeys: advertised, throttleTimeMs: 0 };
}

export async function handleApiVersions(_ctx: HandlerContext, _request: ApiVersionsRequest): Promise<ApiVersionsResponse> {
  return apiVersionsResponse(0);
}
