import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '#libs/platform';

export const IS_PUBLIC = 'coord:public';

/** A route anyone may call without a token (health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The authenticated caller, set by the AuthenticationGuard. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
