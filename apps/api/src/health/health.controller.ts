import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { httpStatusOfHealth, publicHealth, ReadinessCheck, type TokenVerifier } from '#libs/platform';
import { Public } from '../auth/auth.decorators.js';
import { TOKEN_VERIFIER } from '../auth/authentication.guard.js';
import { authenticate } from '../auth/request-authentication.js';

const REPORT_SCHEMA: NonNullable<
  Extract<Parameters<typeof ApiOkResponse>[0], { schema?: unknown }>['schema']
> = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'unavailable'] },
    checks: {
      type: 'object',
      description: 'Each dependency, up or down, with why: only for a token with the operator role',
      additionalProperties: {
        type: 'object',
        required: ['status'],
        properties: {
          status: { type: 'string', enum: ['up', 'down'] },
          error: { type: 'string' },
          kind: { type: 'string', description: 'database: which store (pglite, postgres)' },
          server: { type: 'string', description: 'nats: the server connected to' },
        },
        // A check may add details of its own (DependencyCheck in libs/platform).
        additionalProperties: true,
      },
    },
  },
  additionalProperties: false,
};

/**
 * Probes for load balancers and Kubernetes; no token. Anyone sees the status; an operator's
 * token also shows each dependency and why it is down (addresses and driver messages included).
 */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: ReadinessCheck,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Readiness, as /health/ready (kept for existing probes)' })
  @ApiOkResponse({
    description: 'ok, or degraded (NATS down: commands accepted, notifications delayed)',
    schema: REPORT_SCHEMA,
  })
  @ApiServiceUnavailableResponse({
    description: 'unavailable: the database does not answer',
    schema: REPORT_SCHEMA,
  })
  check(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.ready(request, reply);
  }

  @Get('live')
  @ApiOperation({
    summary: 'Liveness: the process answers; no dependency is checked (an outage restarts nothing)',
  })
  @ApiOkResponse({ description: 'The process is running', schema: REPORT_SCHEMA })
  live() {
    return publicHealth(this.readiness.live());
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: the database answers (else 503); NATS, when NATS_URL is set, down is degraded',
  })
  @ApiOkResponse({
    description: 'ok, or degraded (NATS down: commands accepted, notifications delayed)',
    schema: REPORT_SCHEMA,
  })
  @ApiServiceUnavailableResponse({
    description: 'unavailable: the database does not answer',
    schema: REPORT_SCHEMA,
  })
  async ready(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.readiness.ready();
    void reply.status(httpStatusOfHealth(report));
    return (await this.isOperator(request)) ? report : publicHealth(report);
  }

  private async isOperator(request: FastifyRequest): Promise<boolean> {
    const authentication = await authenticate(request, this.verifier);
    return authentication.kind === 'principal' && authentication.principal.roles.includes('operator');
  }
}
