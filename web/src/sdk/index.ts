// @bindery/embed — Bindery's JavaScript SDK. Its API mirrors powerbi-client's:
//   import * as pbi from '@bindery/embed';
//   const powerbi = new pbi.service.Service(pbi.factories.hpmFactory, pbi.factories.wpmpFactory, pbi.factories.routerFactory);
//   const report = powerbi.embed(el, { type: 'report', id, embedUrl, accessToken, tokenType: pbi.models.TokenType.Embed,
//                                      datasetBinding: { datasetId } }) as pbi.Report;
import * as models from 'powerbi-models';
import * as service from './service';
import * as factories from './factories';
import { Embed } from './embed';
import { Report } from './report';
import { Page } from './page';
import { VisualDescriptor } from './visual';
import { tokenExpiration } from './token';
import { SDK_VERSION } from './version';

export { models, service, factories, Embed, Report, Page, VisualDescriptor, tokenExpiration, SDK_VERSION };
export type { IEmbedConfiguration, ITokenExpiringDetail, EventHandler } from './embed';
export type { IFilterable } from './report';
export type { IServiceConfiguration } from './service';
