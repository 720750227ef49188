import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { TableAccess, TableSpec } from './resource-model.js';

// Explicit action lists instead of grantReadData/grantReadWriteData: those add Scan, stream reads and a
// `table/index/*` wildcard; every access pattern here goes through a key or a declared index.
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  // TransactWriteItems is authorised per item action; condition checks need their own action.
  'dynamodb:ConditionCheckItem',
] as const;

export function tableActions(access: TableAccess): string[] {
  return access === 'read' ? [...READ_ACTIONS] : [...READ_ACTIONS, ...WRITE_ACTIONS];
}

export interface DataTableProps {
  readonly spec: TableSpec;
}

/**
 * One DynamoDB table from a resources.ts declaration: on demand, point-in-time recovery, encrypted,
 * retained on stack deletion (the data outlives the stack). Key attributes are strings.
 */
export class DataTable extends Construct {
  public readonly table: Table;
  public readonly spec: TableSpec;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
      ...(spec.sortKey ? { sortKey: { name: spec.sortKey, type: AttributeType.STRING } } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS-managed key (aws/dynamodb): encryption at rest that shows in the template and in CloudTrail,
      // with no key policy to get wrong and no monthly key charge. A customer-managed key only pays off
      // when another account must read the data or the key must be revocable independently of IAM.
      encryption: TableEncryption.AWS_MANAGED,
      ...(spec.ttlAttribute ? { timeToLiveAttribute: spec.ttlAttribute } : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [indexName, key] of Object.entries(spec.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: key.partitionKey, type: AttributeType.STRING },
        ...(key.sortKey ? { sortKey: { name: key.sortKey, type: AttributeType.STRING } } : {}),
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /** ARNs of the table and of each declared index, never `index/*`. */
  public resourceArns(): string[] {
    const indexArns = Object.keys(this.spec.indexes).map((indexName) => `${this.table.tableArn}/index/${indexName}`);
    return [this.table.tableArn, ...indexArns];
  }

  public grant(grantee: IGrantable, access: TableAccess): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: tableActions(access), resources: this.resourceArns() }),
    );
  }
}
