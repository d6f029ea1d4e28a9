import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { keys } from '../../functions/src/data/keys.js';
import { KEY_ACTIONS_READ, type ManyiTable } from './manyi-table.js';

/**
 * What opening one sealed phone number takes, and nothing more: GetItem of `CONTACT#` items of the
 * contact store (no Query, no write), the table's key through DynamoDB only, and kms:Decrypt on the
 * sealing key for ciphertexts sealed for 回访 contact (functions/src/data/kms-contact-sealer.ts binds
 * each to this encryption context). The invitation sender and 查看联系方式 hold it.
 */
export function grantContactOpening(grantee: iam.IGrantable, contacts: ManyiTable, sealingKey: { readonly keyArn: string }): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['dynamodb:GetItem'],
    resourceArns: [contacts.table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [keys.contact('*').pk] } },
  });
  const viaDynamoDb = { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.${Aws.URL_SUFFIX}` } };
  iam.Grant.addToPrincipal({ grantee, actions: KEY_ACTIONS_READ, resourceArns: [contacts.key.keyArn], conditions: viaDynamoDb });
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['kms:Decrypt'],
    resourceArns: [sealingKey.keyArn],
    conditions: { StringEquals: { 'kms:EncryptionContext:purpose': 'manyi-contact-callback' } },
  });
}
